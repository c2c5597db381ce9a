package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"kim/internal/platform/ids"
)

// Tokens (session cookies and API tokens) carry the tenant id in clear so that the lookup can use
// the tenant-leading key, followed by 256 random bits. Only the SHA-256 of the whole token is
// stored.

// APITokenPrefix marks API tokens so that secret scanners can find leaked ones.
const APITokenPrefix = "kim_"

// NewToken returns a new token for tenantID, with prefix ("" for session cookies).
func NewToken(prefix, tenantID string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + strings.ReplaceAll(tenantID, "-", "") + "_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseToken returns the tenant id of token and its stored hash; ok is false for malformed tokens.
func ParseToken(prefix, token string) (tenantID, hash string, ok bool) {
	if !strings.HasPrefix(token, prefix) || len(token) > 200 {
		return "", "", false
	}
	rest := token[len(prefix):]
	t, secret, found := strings.Cut(rest, "_")
	if !found || len(t) != 32 || len(secret) != 43 {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", "", false
	}
	tenantID = t[0:8] + "-" + t[8:12] + "-" + t[12:16] + "-" + t[16:20] + "-" + t[20:32]
	if !ids.Valid(tenantID) {
		return "", "", false
	}
	return tenantID, HashToken(token), true
}

// HashToken returns the stored form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RandomString returns n random bytes encoded URL-safe (for activation codes, OIDC state,
// PKCE verifiers).
func RandomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
