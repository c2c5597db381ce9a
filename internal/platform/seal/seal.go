// Package seal encrypts secrets at rest (AES-256-GCM with random nonces) and derives the keys the
// platform needs from one master key held outside the database: in a file readable only by the
// service account (mode 0400 or 0600). Each ciphertext is bound to its context (tenant, table,
// column, row) through the additional data, so a ciphertext copied to another row does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the master key length in bytes.
const KeySize = 32

// Keys holds the master key.
type Keys struct {
	master []byte
}

// New wraps a master key (exactly KeySize bytes).
func New(master []byte) (*Keys, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("seal: master key must be %d bytes, got %d", KeySize, len(master))
	}
	return &Keys{master: append([]byte(nil), master...)}, nil
}

// Generate returns a new random master key.
func Generate() (*Keys, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return New(k)
}

// LoadFile reads a hex-encoded master key. If the file does not exist and create is true, a new
// key is written with mode 0400. A key file readable by group or others is refused.
func LoadFile(path string, create bool) (*Keys, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		k, gerr := Generate()
		if gerr != nil {
			return nil, gerr
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(k.master)+"\n"), 0o400); err != nil {
			return nil, fmt.Errorf("seal: write key file: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("seal: key file %s must not be readable by group or others (mode %o)", path, st.Mode().Perm())
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, errors.New("seal: key file must hold the key as hex")
	}
	return New(raw)
}

// Derive returns a subkey for purpose (HKDF-SHA-256).
func (k *Keys) Derive(purpose string) []byte {
	out, err := hkdf.Key(sha256.New, k.master, nil, "kim/"+purpose, KeySize)
	if err != nil {
		panic(err) // only fails for impossible lengths
	}
	return out
}

const version = 1

// Seal encrypts plaintext for purpose, bound to aad.
func (k *Keys) Seal(purpose string, plaintext, aad []byte) ([]byte, error) {
	g, err := k.aead(purpose)
	if err != nil {
		return nil, err
	}
	return g.Seal([]byte{version}, nil, plaintext, aad), nil
}

// Open decrypts a ciphertext made by Seal with the same purpose and aad.
func (k *Keys) Open(purpose string, ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < 1 || ciphertext[0] != version {
		return nil, errors.New("seal: unknown ciphertext version")
	}
	g, err := k.aead(purpose)
	if err != nil {
		return nil, err
	}
	pt, err := g.Open(nil, nil, ciphertext[1:], aad)
	if err != nil {
		return nil, errors.New("seal: ciphertext does not open")
	}
	return pt, nil
}

func (k *Keys) aead(purpose string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.Derive("seal/" + purpose))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(block)
}

// AAD joins context parts into additional data.
func AAD(parts ...string) []byte {
	return []byte(strings.Join(parts, "\x00"))
}
