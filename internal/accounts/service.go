package accounts

import (
	"context"
	"log/slog"

	"kim/internal/platform/audit"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/seal"
)

// Config holds the login and session rules.
type Config struct {
	Sessions        auth.SessionPolicy
	AccountThrottle auth.Throttle
	AddressThrottle auth.Throttle
	// RequireMFA makes the second factor mandatory for every role that can see personal data.
	// Only the demo switches it off.
	RequireMFA bool
	// MFAExemptTenant names (by slug) a tenant whose accounts need no second factor: the demo
	// tenant when kim serves with --demo. Every other tenant keeps RequireMFA.
	MFAExemptTenant string
	// Issuer is the name authenticator apps show for the TOTP entry.
	Issuer string
	// ActivationTTL is how long an activation code is valid.
	ActivationTTL int // hours
}

// DefaultConfig is the production configuration.
func DefaultConfig() Config {
	return Config{Sessions: auth.DefaultSessionPolicy, AccountThrottle: auth.DefaultAccountThrottle,
		AddressThrottle: auth.DefaultAddressThrottle, RequireMFA: true, Issuer: "KIM", ActivationTTL: 72}
}

// Service holds the use cases of the accounts room.
type Service struct {
	DB     *db.DB
	Audit  *audit.Chain
	Hasher *auth.Hasher
	Keys   *seal.Keys
	Dir    Directory
	Cfg    Config
	Log    *slog.Logger
}

// mfaRequired reports whether the installation requires a second factor in the tenant.
func (s *Service) mfaRequired(tenantSlug string) bool {
	return s.Cfg.RequireMFA && (s.Cfg.MFAExemptTenant == "" || tenantSlug != s.Cfg.MFAExemptTenant)
}

func (s *Service) audit(ctx context.Context, tx *db.Tx, e audit.Entry) error {
	return s.Audit.Append(ctx, tx, e)
}

// sealTOTP encrypts a TOTP secret bound to its user row.
func (s *Service) sealTOTP(u *User, secret string) ([]byte, error) {
	return s.Keys.Seal("totp", []byte(secret), seal.AAD(u.TenantID, "users", "totp", u.ID))
}

func (s *Service) openTOTP(u *User, ct []byte) (string, error) {
	pt, err := s.Keys.Open("totp", ct, seal.AAD(u.TenantID, "users", "totp", u.ID))
	return string(pt), err
}
