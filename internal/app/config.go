// Package app is the one place that wires configuration, database, services and HTTP together.
package app

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"kim/internal/accounts"
	"kim/internal/platform/auth"
	"kim/internal/platform/clock"
	"kim/internal/platform/db"
	"kim/internal/platform/seal"
	"kim/internal/platform/vault"
)

// Config is the configuration of a kim process. Every field can be set by an environment
// variable (see FromEnv and the README); serve also takes --addr, --db and --demo.
type Config struct {
	Addr           string
	DSN            string
	Demo           bool
	KeyFile        string
	Keys           *seal.Keys // set directly by tests; otherwise loaded from KeyFile
	LogFormat      string     // json (default) or text
	LogLevel       string     // debug, info (default), warn, error
	TrustedProxies []netip.Prefix
	MaxBody        int64
	RequireMFA     bool
	Sessions       auth.SessionPolicy
	OIDC           *accounts.OIDCConfig
	MetricsToken   string
	Clock          clock.Clock
	PasswordParams auth.Params
	MaxConns       int
	// CheckpointEvery is how often kim serve logs the audit chain heads that have moved.
	CheckpointEvery time.Duration
	// DisclosureMin is the smallest count of persons the monitoring publishes (default 5;
	// counts from 1 to DisclosureMin-1 are suppressed). It can only be raised.
	DisclosureMin int
}

// Defaults returns the production defaults.
func Defaults() Config {
	return Config{Addr: "127.0.0.1:8080", DSN: db.DefaultPath, LogFormat: "json", LogLevel: "info", MaxBody: 1 << 20,
		RequireMFA: true, Sessions: auth.DefaultSessionPolicy, Clock: clock.System{}, PasswordParams: auth.DefaultParams,
		CheckpointEvery: 15 * time.Minute}
}

// FromEnv applies the KIM_* environment variables to c.
func (c *Config) FromEnv(getenv func(string) string) error {
	set := func(name string, fn func(string) error) error {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			if err := fn(v); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	str := func(dst *string) func(string) error { return func(v string) error { *dst = v; return nil } }
	boolean := func(dst *bool) func(string) error {
		return func(v string) (err error) { *dst, err = strconv.ParseBool(v); return err }
	}
	duration := func(dst *time.Duration) func(string) error {
		return func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("expects a positive duration such as 15m or 12h")
			}
			*dst = d
			return nil
		}
	}
	var oidc accounts.OIDCConfig
	steps := []error{
		set("KIM_ADDR", str(&c.Addr)),
		set("KIM_DATABASE_URL", str(&c.DSN)),
		set("KIM_KEY_FILE", str(&c.KeyFile)),
		set("KIM_LOG_FORMAT", str(&c.LogFormat)),
		set("KIM_LOG_LEVEL", str(&c.LogLevel)),
		set("KIM_REQUIRE_MFA", boolean(&c.RequireMFA)),
		set("KIM_SESSION_IDLE", duration(&c.Sessions.Idle)),
		set("KIM_SESSION_ABSOLUTE", duration(&c.Sessions.Absolute)),
		set("KIM_METRICS_TOKEN", str(&c.MetricsToken)),
		set("KIM_AUDIT_CHECKPOINT_INTERVAL", duration(&c.CheckpointEvery)),
		set("KIM_MAX_BODY_BYTES", func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				return errors.New("expects a number of bytes of at least 1024")
			}
			c.MaxBody = n
			return nil
		}),
		set("KIM_DISCLOSURE_MIN", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 5 || n > 100 {
				return errors.New("expects a number from 5 to 100")
			}
			c.DisclosureMin = n
			return nil
		}),
		set("KIM_DB_MAX_CONNS", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return errors.New("expects a positive number")
			}
			c.MaxConns = n
			return nil
		}),
		set("KIM_TRUSTED_PROXIES", func(v string) error {
			for _, s := range strings.Split(v, ",") {
				p, err := netip.ParsePrefix(strings.TrimSpace(s))
				if err != nil {
					a, aerr := netip.ParseAddr(strings.TrimSpace(s))
					if aerr != nil {
						return fmt.Errorf("%q is neither an address nor a CIDR prefix", s)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		}),
		set("KIM_OIDC_ISSUER", str(&oidc.Issuer)),
		set("KIM_OIDC_CLIENT_ID", str(&oidc.ClientID)),
		set("KIM_OIDC_CLIENT_SECRET", str(&oidc.ClientSecret)),
		set("KIM_OIDC_REDIRECT_URL", str(&oidc.RedirectURL)),
		set("KIM_OIDC_TENANT", str(&oidc.TenantSlug)),
		set("KIM_OIDC_LABEL", str(&oidc.Label)),
		set("KIM_OIDC_TRUST_MFA", boolean(&oidc.TrustMFA)),
	}
	if err := errors.Join(steps...); err != nil {
		return err
	}
	k, err := vault.MasterKeyFromEnv(getenv)
	if err != nil {
		return err
	}
	if k != nil {
		if c.KeyFile != "" {
			return errors.New("set either KIM_MASTER_KEY or KIM_KEY_FILE, not both")
		}
		c.Keys = k
	}
	if oidc.Issuer != "" {
		if oidc.ClientID == "" || oidc.RedirectURL == "" || oidc.TenantSlug == "" {
			return errors.New("KIM_OIDC_ISSUER needs KIM_OIDC_CLIENT_ID, KIM_OIDC_REDIRECT_URL and KIM_OIDC_TENANT")
		}
		c.OIDC = &oidc
	}
	if c.Sessions.Absolute < c.Sessions.Idle {
		return errors.New("KIM_SESSION_ABSOLUTE must not be shorter than KIM_SESSION_IDLE")
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return errors.New("KIM_LOG_FORMAT: expects json or text")
	}
	return nil
}

// keyFile returns the master key file: the configured one, or kim.key beside a SQLite database.
// PostgreSQL installations must name it, because all nodes must share the same key.
func (c *Config) keyFile() (string, error) {
	if c.KeyFile != "" {
		return c.KeyFile, nil
	}
	if db.EngineOf(c.DSN) == db.Postgres {
		if c.Demo {
			return "./kim-data/kim.key", nil
		}
		return "", errors.New("KIM_KEY_FILE or KIM_MASTER_KEY is required with PostgreSQL: every kim node must use the same master key")
	}
	return filepath.Join(filepath.Dir(strings.TrimPrefix(c.DSN, "file:")), "kim.key"), nil
}
