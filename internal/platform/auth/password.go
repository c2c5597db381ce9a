// Package auth holds the authentication mechanisms: password hashing (argon2id) and policy, the
// TOTP second factor with recovery codes, session and API tokens and login throttling. It knows
// nothing about users as records; the accounts room uses it.
package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"kim/internal/platform/errs"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes), the
// floor set in KIM's security catalogue (AUTH-05).
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 4}

// TestParams are cheap parameters for tests only.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1}

// Hasher hashes and verifies passwords. A semaphore bounds concurrent hashes so that a burst of
// logins cannot exhaust memory (each hash holds Params.Memory).
type Hasher struct {
	Params Params
	sem    chan struct{}
	dummy  string
}

// NewHasher returns a hasher with p; concurrency is limited to the number of CPUs.
func NewHasher(p Params) *Hasher {
	return &Hasher{Params: p, sem: make(chan struct{}, max(1, runtime.NumCPU())), dummy: dummyHash(p)}
}

// dummyHash returns an encoded hash with parameters p, a random salt and a random key that no
// password matches. Verifying against it costs exactly as much as verifying a real hash with p,
// without computing a hash at start-up (that took a fifth of a second and 64 MiB of memory).
func dummyHash(p Params) string {
	salt, key := make([]byte, saltLen), make([]byte, keyLen)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(key)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

const (
	saltLen = 16
	keyLen  = 32
)

// Hash returns the PHC-encoded argon2id hash of password with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, h.Params.Time, h.Params.Memory, h.Params.Threads, keyLen)
	h.release()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Params.Memory, h.Params.Time,
		h.Params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Verify reports whether password matches encoded. needsRehash is true when the stored
// parameters are weaker than the hasher's, so the caller can upgrade the hash after login.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := DecodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	h.release()
	ok = subtle.ConstantTimeCompare(got, want) == 1
	needsRehash = p.Memory < h.Params.Memory || p.Time < h.Params.Time || p.Threads < h.Params.Threads
	return ok, needsRehash, nil
}

// Dummy runs one verification against a fixed hash, so that a login for an unknown account costs
// as much time as one for a known account.
func (h *Hasher) Dummy(ctx context.Context, password string) {
	_, _, _ = h.Verify(ctx, password, h.dummy)
}

// DecodeHash parses a PHC-encoded argon2id hash.
func DecodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("auth: not an argon2id hash")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errors.New("auth: unsupported argon2 version")
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || p.Time == 0 || p.Time > 64 || p.Memory < 8 || p.Memory > 4<<20 || threads == 0 || threads > 255 {
		return p, nil, nil, errors.New("auth: bad argon2 parameters")
	}
	p.Threads = uint8(threads)
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, err
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, errors.New("auth: bad argon2 key")
	}
	return p, salt, key, nil
}

// Password length limits (ASVS 6.2.1, 6.2.9): at least 12 characters; up to 128 are accepted.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

//go:embed common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = true
	}
	return m
}()

// CheckPassword applies the password policy: length 12–128 characters (counted as Unicode code
// points after NFC), no composition rules, and no common or context-specific password. context
// holds words tied to the account or installation (e-mail local part, name, organisation,
// city, product name). It returns a field message id, or "" when the password is acceptable.
func CheckPassword(password string, context ...string) errs.Message {
	if !utf8.ValidString(password) {
		return errs.Msg("password.invalid")
	}
	pw := norm.NFC.String(password)
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return errs.Msg("password.too_short", "Min", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return errs.Msg("password.too_long", "Max", MaxPasswordLen)
	}
	lower := strings.ToLower(pw)
	if common[lower] || common[strings.ReplaceAll(lower, " ", "")] {
		return errs.Msg("password.common")
	}
	base := strings.TrimFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	// A keyboard or digit run stays trivial with digits or punctuation around it ("qwertzuiop123!").
	if base == "" || common[base] || isTrivial(lower) || (utf8.RuneCountInString(base) >= 6 && isTrivial(base)) || repeats(base) {
		return errs.Msg("password.common")
	}
	for _, w := range contextWords(context) {
		if len(w) >= 3 && (base == w || strings.ReplaceAll(base, " ", "") == strings.ReplaceAll(w, " ", "")) {
			return errs.Msg("password.context")
		}
	}
	return errs.Message{}
}

// contextWords returns the words tied to the account and the installation: each given word, and
// of an e-mail address also its local part, its domain and the domain's labels.
func contextWords(context []string) []string {
	out := []string{"kim", "solingen", "integration", "beratung", "passwort", "password"}
	for _, w := range context {
		w = strings.ToLower(strings.TrimSpace(w))
		out = append(out, w)
		if local, domain, ok := strings.Cut(w, "@"); ok {
			out = append(out, local, domain)
			out = append(out, strings.Split(domain, ".")...)
		}
	}
	return out
}

// repeats reports whether s is one shorter string written several times ("passwordpassword",
// "abcabcabcabc").
func repeats(s string) bool {
	r := []rune(strings.ReplaceAll(s, " ", ""))
	for n := 1; n <= len(r)/2; n++ {
		if len(r)%n != 0 {
			continue
		}
		same := true
		for i := n; i < len(r) && same; i++ {
			same = r[i] == r[i%n]
		}
		if same {
			return true
		}
	}
	return false
}

// isTrivial catches one repeated character or a run along the keyboard or the digits.
func isTrivial(s string) bool {
	r := []rune(s)
	same := true
	for i := 1; i < len(r); i++ {
		if r[i] != r[0] {
			same = false
			break
		}
	}
	if same {
		return true
	}
	for _, seq := range []string{"01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
		"qwertzuiopasdfghjklyxcvbnm", "qwertyuiopasdfghjklzxcvbnm"} {
		if strings.Contains(seq, s) {
			return true
		}
	}
	return false
}
