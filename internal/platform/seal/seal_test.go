package seal

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKeys(t *testing.T) *Keys {
	t.Helper()
	k, err := New(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewRequiresAFullKey(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New accepted a %d-byte key", n)
		}
	}
	raw := bytes.Repeat([]byte{1}, KeySize)
	k, err := New(raw)
	if err != nil {
		t.Fatal(err)
	}
	before := k.Derive("x")
	raw[0] = 2 // the caller's slice must not alias the key
	if !bytes.Equal(before, k.Derive("x")) {
		t.Fatal("New keeps a reference to the caller's slice")
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := testKeys(t)
	aad := AAD("tenant-1", "clients", "notes", "row-1")
	for _, pt := range [][]byte{nil, {}, []byte("x"), []byte("Ärztlicher Befund: vertraulich"), bytes.Repeat([]byte{0, 255}, 5000)} {
		ct, err := k.Seal("notes", pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(pt) > 4 && bytes.Contains(ct, pt) {
			t.Fatal("ciphertext contains the plaintext")
		}
		got, err := k.Open("notes", ct, aad)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("Open(Seal(%q)) = %q", pt, got)
		}
	}
}

func TestOpenFailsOnAnyChange(t *testing.T) {
	k := testKeys(t)
	aad := AAD("tenant-1", "clients", "notes", "row-1")
	pt := []byte("Aufenthaltstitel § 25b AufenthG")
	ct, err := k.Seal("notes", pt, aad)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := Generate()
	cases := map[string]func() ([]byte, error){
		"other row":       func() ([]byte, error) { return k.Open("notes", ct, AAD("tenant-1", "clients", "notes", "row-2")) },
		"other tenant":    func() ([]byte, error) { return k.Open("notes", ct, AAD("tenant-2", "clients", "notes", "row-1")) },
		"no aad":          func() ([]byte, error) { return k.Open("notes", ct, nil) },
		"wrong purpose":   func() ([]byte, error) { return k.Open("totp", ct, aad) },
		"other key":       func() ([]byte, error) { return other.Open("notes", ct, aad) },
		"empty":           func() ([]byte, error) { return k.Open("notes", nil, aad) },
		"version only":    func() ([]byte, error) { return k.Open("notes", ct[:1], aad) },
		"truncated":       func() ([]byte, error) { return k.Open("notes", ct[:len(ct)-1], aad) },
		"extended":        func() ([]byte, error) { return k.Open("notes", append(append([]byte(nil), ct...), 0), aad) },
		"unknown version": func() ([]byte, error) { c := append([]byte(nil), ct...); c[0] = 2; return k.Open("notes", c, aad) },
	}
	// AAD parts are separated, so moving a boundary changes the data.
	if bytes.Equal(AAD("ab", "c"), AAD("a", "bc")) {
		t.Fatal("AAD does not separate its parts")
	}
	cases["shifted aad boundary"] = func() ([]byte, error) {
		return k.Open("notes", ct, AAD("tenant-1", "clientsnotes", "", "row-1"))
	}
	for name, open := range cases {
		if got, err := open(); err == nil {
			t.Errorf("%s: opened to %q", name, got)
		}
	}
	// Flip every bit of the ciphertext in turn (skipping the version byte, tested above).
	for i := 1; i < len(ct); i++ {
		for bit := 0; bit < 8; bit++ {
			c := append([]byte(nil), ct...)
			c[i] ^= 1 << bit
			if _, err := k.Open("notes", c, aad); err == nil {
				t.Fatalf("bit %d of byte %d flipped, still opens", bit, i)
			}
		}
	}
	if _, err := k.Open("notes", ct, aad); err != nil {
		t.Fatalf("the untouched ciphertext no longer opens: %v", err)
	}
}

func TestNoncesAreUnique(t *testing.T) {
	k := testKeys(t)
	const n = 10000
	seen := make(map[string]bool, n)
	var last []byte
	for i := 0; i < n; i++ {
		ct, err := k.Seal("notes", []byte("same text"), AAD("same context"))
		if err != nil {
			t.Fatal(err)
		}
		// Layout: version byte, 12-byte nonce, ciphertext and tag.
		nonce := string(ct[1:13])
		if seen[nonce] {
			t.Fatalf("nonce repeated after %d seals", i)
		}
		seen[nonce] = true
		if bytes.Equal(ct, last) {
			t.Fatal("sealing the same text twice gave the same ciphertext")
		}
		last = ct
	}
}

func TestDerive(t *testing.T) {
	k := testKeys(t)
	same := testKeys(t)
	a := k.Derive("audit-chain")
	if len(a) != KeySize {
		t.Fatalf("derived key has %d bytes", len(a))
	}
	if !bytes.Equal(a, k.Derive("audit-chain")) || !bytes.Equal(a, same.Derive("audit-chain")) {
		t.Fatal("Derive is not deterministic")
	}
	seen := map[string]string{}
	for _, p := range []string{"audit-chain", "audit-chain2", "seal/notes", "seal/totp", "", "totp"} {
		d := hex.EncodeToString(k.Derive(p))
		if q, dup := seen[d]; dup {
			t.Fatalf("purposes %q and %q derive the same key", p, q)
		}
		seen[d] = p
		if strings.Contains(d, hex.EncodeToString(bytes.Repeat([]byte{7}, 8))) {
			t.Fatalf("derived key for %q shows the master key", p)
		}
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if bytes.Equal(a, other.Derive("audit-chain")) {
		t.Fatal("different master keys derive the same subkey")
	}
	// A subkey for one purpose cannot open another purpose's ciphertext: covered in
	// TestOpenFailsOnAnyChange ("wrong purpose").
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()

	t.Run("missing without create", func(t *testing.T) {
		if _, err := LoadFile(filepath.Join(dir, "missing.key"), false); err == nil {
			t.Fatal("a missing key file was accepted")
		}
	})

	t.Run("created with mode 0400 and reused", func(t *testing.T) {
		path := filepath.Join(dir, "sub", "dir", "kim.key")
		k, err := LoadFile(path, true)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o400 {
			t.Fatalf("new key file has mode %o, want 400", st.Mode().Perm())
		}
		dst, _ := os.Stat(filepath.Dir(path))
		if dst.Mode().Perm()&0o077 != 0 {
			t.Fatalf("key directory has mode %o, want no group or other access", dst.Mode().Perm())
		}
		again, err := LoadFile(path, true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(k.Derive("x"), again.Derive("x")) {
			t.Fatal("loading the created file gave a different key")
		}
		ct, _ := k.Seal("p", []byte("data"), nil)
		if pt, err := again.Open("p", ct, nil); err != nil || string(pt) != "data" {
			t.Fatalf("the reloaded key cannot open: %q %v", pt, err)
		}
		raw, _ := os.ReadFile(path)
		if b, err := hex.DecodeString(strings.TrimSpace(string(raw))); err != nil || len(b) != KeySize {
			t.Fatalf("key file content is not %d bytes of hex", KeySize)
		}
	})

	write := func(t *testing.T, name, content string, mode os.FileMode) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := hex.EncodeToString(bytes.Repeat([]byte{9}, KeySize)) + "\n"

	t.Run("readable by others refused", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o666, 0o440} {
			path := write(t, "open-"+mode.String()+".key", good, mode)
			if _, err := LoadFile(path, false); err == nil {
				t.Errorf("a key file with mode %o was accepted", mode)
			}
			if _, err := LoadFile(path, true); err == nil {
				t.Errorf("a key file with mode %o was accepted with create", mode)
			}
		}
	})

	t.Run("private modes accepted", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o400, 0o600} {
			path := write(t, "private-"+mode.String()+".key", good, mode)
			k, err := LoadFile(path, false)
			if err != nil {
				t.Fatalf("mode %o: %v", mode, err)
			}
			want, _ := New(bytes.Repeat([]byte{9}, KeySize))
			if !bytes.Equal(k.Derive("x"), want.Derive("x")) {
				t.Fatalf("mode %o: wrong key loaded", mode)
			}
		}
	})

	t.Run("bad content refused", func(t *testing.T) {
		for i, content := range []string{"", "not hex", hex.EncodeToString(make([]byte, 16)), good + good} {
			path := write(t, "bad"+string(rune('a'+i))+".key", content, 0o600)
			if _, err := LoadFile(path, false); err == nil {
				t.Errorf("key file content %q accepted", content)
			}
		}
	})
}
