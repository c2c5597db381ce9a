package auth

import (
	"context"
	"encoding/base32"
	"encoding/base64"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kim/internal/platform/ids"
)

func TestTOTPMatchesRFC6238(t *testing.T) {
	// RFC 6238 appendix B, SHA-1, secret "12345678901234567890", truncated to six digits.
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		if got := TOTPCode(secret, time.Unix(tc.unix, 0)); got != tc.code {
			t.Errorf("TOTPCode at %d = %s, want %s", tc.unix, got, tc.code)
		}
	}
}

func TestCheckTOTPWindow(t *testing.T) {
	secret, url, err := NewTOTPSecret("KIM", "erika@stadt.example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "otpauth://totp/") || !strings.Contains(url, "secret="+secret) {
		t.Fatalf("otpauth URL %q", url)
	}
	if raw, err := base32NoPad(secret); err != nil || len(raw) < 20 {
		t.Fatalf("secret %q: %d bytes, %v; want ≥ 160 bits", secret, len(raw), err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 15, 0, time.UTC) // in the middle of a time step
	code := TOTPCode(secret, at)
	step := at.Unix() / TOTPPeriod
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{
		{0, true},
		{14 * time.Second, true},
		{30 * time.Second, true},
		{-30 * time.Second, true},
		{90 * time.Second, false},
		{-90 * time.Second, false},
		{10 * time.Minute, false},
	} {
		// The code of another step may collide by chance (1 in 10^6); skip such a case.
		if !tc.ok && TOTPCode(secret, at.Add(tc.offset)) == code {
			continue
		}
		got, ok := CheckTOTP(secret, code, at.Add(tc.offset))
		if ok != tc.ok {
			t.Errorf("code of %v checked at %+v: ok=%v, want %v", at, tc.offset, ok, tc.ok)
		}
		if ok && got != step {
			t.Errorf("matched step %d, want %d", got, step)
		}
	}
	spaced := code[:3] + " " + code[3:]
	if _, ok := CheckTOTP(secret, " "+spaced+" ", at); !ok {
		t.Errorf("code with spaces %q refused", spaced)
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef", code + "0"} {
		if _, ok := CheckTOTP(secret, bad, at); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
	if _, ok := CheckTOTP("not base32 !!", code, at); ok {
		t.Error("a broken secret accepted a code")
	}
}

func base32NoPad(s string) ([]byte, error) {
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(s, "="))
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodeCount || RecoveryCodeCount != 10 {
		t.Fatalf("%d codes, want 10", len(codes))
	}
	format := regexp.MustCompile(`^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$`)
	seen := map[string]bool{}
	hashes := map[string]bool{}
	for _, c := range codes {
		if !format.MatchString(c) {
			t.Errorf("code %q does not match xxxxx-xxxxx of the unambiguous alphabet", c)
		}
		if seen[c] {
			t.Errorf("code %q issued twice", c)
		}
		seen[c] = true
		h := HashRecoveryCode(c)
		if strings.Contains(h, strings.ReplaceAll(c, "-", "")) || len(h) != 64 {
			t.Errorf("hash %q of %q", h, c)
		}
		hashes[h] = true
		for _, v := range []string{strings.ToUpper(c), strings.ReplaceAll(c, "-", ""), " " + c[:5] + " " + c[6:] + " ",
			strings.ToUpper(strings.ReplaceAll(c, "-", " "))} {
			if HashRecoveryCode(v) != h {
				t.Errorf("HashRecoveryCode(%q) differs from HashRecoveryCode(%q)", v, c)
			}
		}
	}
	if len(hashes) != len(codes) {
		t.Error("distinct codes share a hash")
	}
	other, _ := NewRecoveryCodes()
	for _, c := range other {
		if seen[c] {
			t.Errorf("code %q repeats across two sets", c)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Tokens (SESS-01)

func TestTokenRoundTrip(t *testing.T) {
	tenant := ids.New()
	seen := map[string]bool{}
	for _, prefix := range []string{"", APITokenPrefix} {
		for i := 0; i < 1000; i++ {
			tok, err := NewToken(prefix, tenant)
			if err != nil {
				t.Fatal(err)
			}
			if seen[tok] {
				t.Fatalf("token %q issued twice", tok)
			}
			seen[tok] = true
			got, hash, ok := ParseToken(prefix, tok)
			if !ok || got != tenant || hash != HashToken(tok) {
				t.Fatalf("ParseToken(%q) = %q, %q, %v", tok, got, hash, ok)
			}
			_, secret, _ := strings.Cut(strings.TrimPrefix(tok, prefix), "_")
			raw, err := base64.RawURLEncoding.DecodeString(secret)
			if err != nil || len(raw) < 16 {
				t.Fatalf("token secret %q: %d bytes, %v; want ≥ 128 random bits", secret, len(raw), err)
			}
			if strings.Contains(hash, secret) {
				t.Fatal("the stored hash contains the secret")
			}
		}
	}
}

func TestParseTokenRejectsMalformedTokens(t *testing.T) {
	tenant := ids.New()
	session, _ := NewToken("", tenant)
	api, _ := NewToken(APITokenPrefix, tenant)
	compact, secret, _ := strings.Cut(session, "_")
	for _, tc := range []struct {
		prefix, token string
	}{
		{"", ""},
		{"", "garbage"},
		{APITokenPrefix, session},          // session token where an API token is expected
		{APITokenPrefix, "xyz_" + session}, // wrong prefix
		{"", session[1:]},                  // tenant part too short
		{"", session + "A"},                // secret too long
		{"", session[:len(session)-1]},     // secret too short
		{"", compact + secret},             // no separator
		{"", compact + "_" + secret[:42] + "!"},
		{"", strings.Repeat("z", 32) + "_" + secret},            // tenant part is not a UUID
		{"", strings.Repeat("0", 32) + "-" + secret},            // wrong separator
		{"", compact + "_" + secret + strings.Repeat("A", 200)}, // over the length limit
		{APITokenPrefix, api + "\n"},
		{APITokenPrefix, " " + api},
	} {
		if tid, h, ok := ParseToken(tc.prefix, tc.token); ok {
			t.Errorf("ParseToken(%q, %q) accepted: %q %q", tc.prefix, tc.token, tid, h)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	tenant := "0190f3a2-1b2c-7d3e-8f40-123456789abc"
	s, _ := NewToken("", tenant)
	a, _ := NewToken(APITokenPrefix, tenant)
	for _, seed := range []string{"", "kim_", "_", s, a, s + "x", strings.Repeat("_", 76)} {
		f.Add("", seed)
		f.Add(APITokenPrefix, seed)
	}
	f.Fuzz(func(t *testing.T, prefix, token string) {
		tenantID, hash, ok := ParseToken(prefix, token)
		if !ok {
			if tenantID != "" || hash != "" {
				t.Fatalf("rejected token returned %q %q", tenantID, hash)
			}
			return
		}
		if !strings.HasPrefix(token, prefix) || len(token) > 200 {
			t.Fatalf("accepted %q for prefix %q", token, prefix)
		}
		if !ids.Valid(tenantID) || hash != HashToken(token) {
			t.Fatalf("accepted %q: tenant %q hash %q", token, tenantID, hash)
		}
		if strings.ReplaceAll(tenantID, "-", "") != token[len(prefix):len(prefix)+32] {
			t.Fatalf("tenant %q does not come from the token %q", tenantID, token)
		}
	})
}

func FuzzDecodeHash(f *testing.F) {
	good, _ := NewHasher(TestParams).Hash(context.Background(), "seed password for fuzzing")
	for _, seed := range []string{"", "$", good, "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$a2V5",
		"$argon2id$v=19$m=8,t=1,p=1$$a2V5", "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=64,t=1,p=255$c2FsdHNhbHQ$a2V5a2V5"} {
		f.Add(seed)
	}
	h := &Hasher{Params: TestParams, sem: make(chan struct{}, 1)}
	f.Fuzz(func(t *testing.T, encoded string) {
		p, salt, key, err := DecodeHash(encoded)
		if err != nil {
			return
		}
		if p.Threads == 0 || p.Time == 0 || len(key) == 0 {
			t.Fatalf("DecodeHash(%q) accepted unusable parameters %+v, key %d bytes", encoded, p, len(key))
		}
		_ = salt
		// Every hash DecodeHash accepts must be verifiable without a panic (bounded cost only).
		if p.Memory <= 1024 && p.Time <= 4 && len(key) <= 64 {
			if _, _, err := h.Verify(context.Background(), "x", encoded); err != nil {
				t.Fatalf("Verify(%q) after a successful decode: %v", encoded, err)
			}
		}
	})
}

// ---------------------------------------------------------------------------------------------
// Static check: randomness for secrets only from crypto/rand (SESS-01)

func TestNoMathRandInProductionCode(t *testing.T) {
	root := moduleRoot(t)
	// Generators of synthetic data for demos and benchmarks, nothing secret.
	allowedV2 := []string{
		filepath.Join("internal", "app", "synthetic.go"),
		filepath.Join("internal", "app", "synthetic_casework.go"),
		filepath.Join("internal", "app", "synthetic_text.go"),
		filepath.Join("internal", "app", "seed_casework.go"),
		filepath.Join("internal", "names", "nameindex", "synth", "synth.go"),
		filepath.Join("cmd", "kimbench", "casework.go"),
	}
	checked := 0
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			rel, _ := filepath.Rel(root, path)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				switch {
				case p == "math/rand":
					t.Errorf("%s imports math/rand; use crypto/rand", rel)
				case p == "math/rand/v2" && !slices.Contains(allowedV2, rel):
					t.Errorf("%s imports math/rand/v2; only %v (synthetic data) may", rel, allowedV2)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d Go files checked; the walk missed the source tree", checked)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

func TestPasswordPolicyRejectsRepetitionsAndTheAddress(t *testing.T) {
	for _, c := range []struct {
		pw, email string
		want      string
	}{
		{"passwordpassword", "", "password.common"},
		{"abcabcabcabc", "", "password.common"},
		{"Sonne Sonne Sonne", "", "password.common"},
		{"solingen.example", "cm.ki@solingen.example", "password.context"},
		{"beratungsstelle-nord!", "cm.ki@beratungsstelle-nord.example", "password.context"},
		{"Kaffee am Nachmittag 7", "cm.ki@solingen.example", ""},
	} {
		if got := CheckPassword(c.pw, c.email).ID; got != c.want {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q", c.pw, c.email, got, c.want)
		}
	}
}
