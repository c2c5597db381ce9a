package auth

import (
	"bufio"
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ---------------------------------------------------------------------------------------------
// Password hashing (AUTH-05)

func TestDefaultParamsMeetTheFloor(t *testing.T) {
	if DefaultParams.Memory < 64*1024 || DefaultParams.Time < 3 || DefaultParams.Threads < 4 {
		t.Fatalf("DefaultParams %+v are below the floor m=64 MiB, t=3, p=4", DefaultParams)
	}
}

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

func TestHashIsPHCEncodedArgon2id(t *testing.T) {
	ctx := context.Background()
	// One hash with the production parameters: the encoding must carry them exactly.
	h := NewHasher(DefaultParams)
	enc, err := h.Hash(ctx, "korrekt pferd batterie heftklammer")
	if err != nil {
		t.Fatal(err)
	}
	m := phc.FindStringSubmatch(enc)
	if m == nil {
		t.Fatalf("hash %q is not a PHC argon2id string", enc)
	}
	if m[1] != strconv.Itoa(int(DefaultParams.Memory)) || m[2] != strconv.Itoa(int(DefaultParams.Time)) || m[3] != strconv.Itoa(int(DefaultParams.Threads)) {
		t.Fatalf("hash %q does not carry the default parameters %+v", enc, DefaultParams)
	}
	salt, err := base64.RawStdEncoding.DecodeString(m[4])
	if err != nil || len(salt) != 16 {
		t.Fatalf("salt: %d bytes, %v; want 16", len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(m[5])
	if err != nil || len(key) != 32 {
		t.Fatalf("key: %d bytes, %v; want 32", len(key), err)
	}
	p, s, k, err := DecodeHash(enc)
	if err != nil || p != DefaultParams || string(s) != string(salt) || string(k) != string(key) {
		t.Fatalf("DecodeHash(%q) = %+v, %x, %x, %v", enc, p, s, k, err)
	}
	ok, rehash, err := h.Verify(ctx, "korrekt pferd batterie heftklammer", enc)
	if err != nil || !ok || rehash {
		t.Fatalf("Verify with default parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(TestParams)
	const pw = "Ein langes Passwort für KIM"
	a, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("the same password hashed twice gave the same hash (salt not random)")
	}
	for _, enc := range []string{a, b} {
		if ok, rehash, err := h.Verify(ctx, pw, enc); err != nil || !ok || rehash {
			t.Fatalf("Verify(right password) = %v, %v, %v", ok, rehash, err)
		}
		for _, wrong := range []string{"", "Ein langes Passwort für KIm", pw + " ", "ein langes passwort für kim"} {
			if ok, _, err := h.Verify(ctx, wrong, enc); err != nil || ok {
				t.Fatalf("Verify(%q) = %v, %v; want false", wrong, ok, err)
			}
		}
	}
	// NFC: the decomposed form of the same text is the same password.
	nfd := norm.NFD.String(pw)
	if nfd == pw {
		t.Fatal("test password has no decomposable character")
	}
	if ok, _, _ := h.Verify(ctx, nfd, a); !ok {
		t.Fatal("the NFD form of the password was refused; passwords must be compared after NFC")
	}
}

func TestNeedsRehashForWeakerParameters(t *testing.T) {
	ctx := context.Background()
	weak := NewHasher(Params{Memory: 64, Time: 1, Threads: 1})
	enc, err := weak.Hash(ctx, "Ein langes Passwort für KIM")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Params{
		{Memory: 128, Time: 1, Threads: 1},
		{Memory: 64, Time: 2, Threads: 1},
		{Memory: 64, Time: 1, Threads: 2},
	} {
		// Verification uses the stored parameters, so this stays cheap.
		h := &Hasher{Params: p, sem: make(chan struct{}, 1)}
		ok, rehash, err := h.Verify(ctx, "Ein langes Passwort für KIM", enc)
		if err != nil || !ok || !rehash {
			t.Errorf("hasher %+v: ok=%v rehash=%v err=%v; want a rehash", p, ok, rehash, err)
		}
	}
	if ok, rehash, err := weak.Verify(ctx, "Ein langes Passwort für KIM", enc); err != nil || !ok || rehash {
		t.Errorf("same parameters: ok=%v rehash=%v err=%v; want no rehash", ok, rehash, err)
	}
	stronger := &Hasher{Params: Params{Memory: 32, Time: 1, Threads: 1}, sem: make(chan struct{}, 1)}
	if _, rehash, _ := stronger.Verify(ctx, "x", enc); rehash {
		t.Error("a hash stronger than the hasher's parameters must not be rehashed")
	}
}

func TestDecodeHashRejectsGarbage(t *testing.T) {
	good, err := NewHasher(TestParams).Hash(context.Background(), "Ein langes Passwort für KIM")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, bad := range []string{
		"",
		"garbage",
		"$$$$$",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		with(1, "argon2d"),
		with(2, "v=16"),
		with(2, "v=x"),
		with(3, "m=64,t=1"),
		with(3, "m=64,t=1,p=0"),
		with(3, "m=64,t=1,p=256"),
		with(3, "m=-1,t=1,p=1"),
		with(3, "m=64,t=0,p=1"),
		with(4, "not base64!"),
		with(5, "not base64!"),
		with(5, ""),
		good + "$extra",
		strings.TrimSuffix(good, "$"+parts[5]),
	} {
		if _, _, _, err := DecodeHash(bad); err == nil {
			t.Errorf("DecodeHash(%q) accepted garbage", bad)
		}
		if ok, _, err := NewHasher(TestParams).Verify(context.Background(), "x", bad); ok || err == nil {
			t.Errorf("Verify against %q: ok=%v err=%v; want an error", bad, ok, err)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Password policy (AUTH-02, AUTH-03)

// passphrase returns a password of exactly n code points that is neither common nor trivial.
func passphrase(n int) string {
	const src = "Tiefer Fluss trägt 7 leise Boote über das Wehr, "
	r := []rune(strings.Repeat(src, n/len([]rune(src))+1))[:n]
	// Keep the last character a letter, so trimming never shortens the base.
	if !unicode.IsLetter(r[n-1]) {
		r[n-1] = 'q'
	}
	return string(r)
}

func TestPasswordPolicyLengths(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "password.too_short"},
		{1, "password.too_short"},
		{11, "password.too_short"},
		{12, ""},
		{13, ""},
		{64, ""},
		{100, ""},
		{128, ""},
		{129, "password.too_long"},
		{500, "password.too_long"},
	} {
		var pw string
		if tc.n > 0 {
			pw = passphrase(tc.n)
		}
		if utf8.RuneCountInString(pw) != tc.n {
			t.Fatalf("test setup: %d code points, want %d", utf8.RuneCountInString(pw), tc.n)
		}
		if got := CheckPassword(pw); got.ID != tc.want {
			t.Errorf("length %d (%q): got %q, want %q", tc.n, pw, got.ID, tc.want)
		}
	}
	if m := CheckPassword(passphrase(5)); m.Data["Min"] != MinPasswordLen {
		t.Errorf("too_short message data = %v, want Min=%d", m.Data, MinPasswordLen)
	}
	if m := CheckPassword(passphrase(200)); m.Data["Max"] != MaxPasswordLen {
		t.Errorf("too_long message data = %v, want Max=%d", m.Data, MaxPasswordLen)
	}
}

func TestPasswordPolicyCountsCodePoints(t *testing.T) {
	for _, tc := range []struct {
		name, pw, want string
	}{
		// 13 code points, 16 bytes.
		{"umlauts", "Schöne Grüße!", ""},
		// 11 code points but 14 bytes: bytes must not count.
		{"11 code points, more bytes", "Grüße Köln!", "password.too_short"},
		// 11 characters written decomposed (13 code points before NFC): NFC counts 11.
		{"decomposed", norm.NFD.String("Grüße Köln!"), "password.too_short"},
		// 12 composed characters written decomposed: accepted.
		{"decomposed 12", norm.NFD.String("Grüße, Köln!"), ""},
		{"cyrillic", "Київ восени гарний", ""},
		{"arabic", "صباح الخير يا جاري", ""},
		{"emoji", "🐘🦒🦓 im Zoo von Wuppertal", ""},
		{"spaces count", "ab cd ef gh ij", ""},
		{"invalid utf-8", "abcdefghijk\xff\xfe", "password.invalid"},
	} {
		if got := CheckPassword(tc.pw); got.ID != tc.want {
			t.Errorf("%s (%q): got %q, want %q", tc.name, tc.pw, got.ID, tc.want)
		}
	}
}

func commonEntries(t *testing.T) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if len(out) < 3000 {
		t.Fatalf("common password list has only %d entries", len(out))
	}
	return out
}

func TestPasswordPolicyRejectsCommonPasswords(t *testing.T) {
	long := 0
	for _, e := range commonEntries(t) {
		n := utf8.RuneCountInString(e)
		if n >= MinPasswordLen && n <= MaxPasswordLen {
			long++
			for _, v := range []string{e, strings.ToUpper(e), strings.ToUpper(e[:1]) + e[1:]} {
				if got := CheckPassword(v); got.ID == "" {
					t.Errorf("common password %q was accepted", v)
				}
			}
		}
		// A common word with digits or punctuation around it, padded to the minimum length.
		r := []rune(e)
		if n >= 4 && unicode.IsLetter(r[0]) && unicode.IsLetter(r[n-1]) {
			padded := e + strings.Repeat("1", max(0, MinPasswordLen-n-1)) + "!"
			if got := CheckPassword(padded); got.ID == "" {
				t.Errorf("common word with digits appended %q was accepted", padded)
			}
			if got := CheckPassword("2026 " + padded); got.ID == "" {
				t.Errorf("common word with digits around it %q was accepted", "2026 "+padded)
			}
		}
	}
	if long < 10 {
		t.Fatalf("only %d list entries reach the minimum length; the list is not the expected one", long)
	}
}

func TestPasswordPolicyRejectsContextWords(t *testing.T) {
	for _, pw := range []string{
		"solingen2026!!",
		"Solingen2026!!",
		"SOLINGEN 2026 !!",
		"!!2026solingen",
		"beratung123456",
		"Integration2026",
		"passwort123456",
		"kim12345678901",
	} {
		if got := CheckPassword(pw); got.ID != "password.context" && got.ID != "password.common" {
			t.Errorf("%q: got %q, want a context or common rejection", pw, got.ID)
		}
	}
	// Words of the account (e-mail local part, name, organisation) count as context.
	for _, tc := range []struct {
		pw      string
		context []string
	}{
		{"mustermann2026!", []string{"max.mustermann@stadt.example", "mustermann"}},
		{"Caritas-2026!!!", []string{"caritas"}},
		{"Erika Musterfrau 1", []string{"Erika Musterfrau"}},
		{"erikamusterfrau99", []string{"Erika Musterfrau"}},
	} {
		if got := CheckPassword(tc.pw, tc.context...); got.ID != "password.context" {
			t.Errorf("%q with context %q: got %q, want password.context", tc.pw, tc.context, got.ID)
		}
		if got := CheckPassword(tc.pw); got.ID != "" {
			t.Errorf("%q without context: got %q, want acceptance", tc.pw, got.ID)
		}
	}
	// Context words shorter than three characters are ignored, not matched against everything.
	if got := CheckPassword("Tiefer Fluss trägt Boote", "", "ab"); got.ID != "" {
		t.Errorf("short context words rejected a good passphrase: %q", got.ID)
	}
}

func TestPasswordPolicyRejectsTrivialRuns(t *testing.T) {
	for _, pw := range []string{
		"aaaaaaaaaaaa",
		"ÄÄÄÄÄÄÄÄÄÄÄÄÄ",
		"            ",
		"qwertzuiopas",
		"QWERTZUIOPASDFGH",
		"qwertyuiopasdfgh",
		"asdfghjklyxcvbnm",
		"abcdefghijklmnop",
		"123456789012345",
		"987654321098765",
		"!\"§$%&/()=?*+#",
		"qwertzuiop123!",
		"!!asdfghjkl2026",
		"abcdefghij-12",
		"wertzuiopasd12",
		"1234567890abc",
	} {
		if got := CheckPassword(pw); got.ID == "" {
			t.Errorf("trivial password %q was accepted", pw)
		}
	}
}

func TestPasswordPolicyAcceptsGoodPassphrases(t *testing.T) {
	for _, pw := range []string{
		"korrekt pferd batterie heftklammer",
		"Der Bus nach Ohligs fährt um 7:42",
		"mZ4#vq9!Lr2@xT",
		"Tiefer Fluss trägt",
		passphrase(64),
		passphrase(128),
	} {
		if got := CheckPassword(pw, "erika.musterfrau@stadt.example", "Erika Musterfrau"); got.ID != "" {
			t.Errorf("good passphrase %q rejected: %q", pw, got.ID)
		}
	}
}

// FuzzCheckPassword checks that the policy never panics and is length-monotone: a password of 12
// or more code points is never "too short", one of fewer is never accepted, and a password that
// is long enough and accepted stays free of length complaints when a character is appended up to
// the maximum.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"", "a", "solingen2026!!", "korrekt pferd batterie heftklammer", "Grüße Köln!",
		"\xff\xfe\xfd", "qwertzuiopas", passphrase(128), passphrase(129), norm.NFD.String("Grüße, Köln!"), "\u0301\u0301\u0301"} {
		f.Add(s, "")
	}
	f.Add("mustermann2026!", "mustermann")
	f.Fuzz(func(t *testing.T, pw, context string) {
		got := CheckPassword(pw, context)
		if !utf8.ValidString(pw) {
			if got.ID != "password.invalid" {
				t.Fatalf("invalid UTF-8 %q: got %q", pw, got.ID)
			}
			return
		}
		n := utf8.RuneCountInString(norm.NFC.String(pw))
		switch {
		case n < MinPasswordLen && got.ID != "password.too_short":
			t.Fatalf("%q has %d code points but got %q, want password.too_short", pw, n, got.ID)
		case n >= MinPasswordLen && got.ID == "password.too_short":
			t.Fatalf("%q has %d code points but was reported too short", pw, n)
		case n > MaxPasswordLen && got.ID != "password.too_long":
			t.Fatalf("%q has %d code points but got %q, want password.too_long", pw, n, got.ID)
		case n <= MaxPasswordLen && got.ID == "password.too_long":
			t.Fatalf("%q has %d code points but was reported too long", pw, n)
		}
		if got.ID == "" && n < MaxPasswordLen {
			longer := CheckPassword(pw+"x", context)
			if longer.ID == "password.too_short" || longer.ID == "password.too_long" {
				t.Fatalf("%q is accepted but %q gets %q", pw, pw+"x", longer.ID)
			}
		}
	})
}

// ---------------------------------------------------------------------------------------------
// TOTP and recovery codes (AUTH-06)
