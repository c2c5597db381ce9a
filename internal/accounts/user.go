// Package accounts is the room for the people who use KIM: user accounts with their role and
// organisation, login with password and second factor (or through an external OpenID Connect
// provider), activation, sessions, API tokens, the own account page and the user
// administration of the tenant administrator.
package accounts

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
)

// User is an account.
type User struct {
	ID                string      `json:"id"`
	TenantID          string      `json:"-"`
	OrganisationID    string      `json:"organisation_id"`
	Email             string      `json:"email"`
	Name              string      `json:"name"`
	Role              access.Role `json:"role"`
	Language          string      `json:"language"`
	MFAEnabled        bool        `json:"mfa_enabled"`
	Disabled          bool        `json:"disabled"`
	ActivationPending bool        `json:"activation_pending"`
	HasPassword       bool        `json:"-"`
	LastLoginAt       *time.Time  `json:"last_login_at"`
	CreatedAt         time.Time   `json:"created_at"`
	UpdatedAt         time.Time   `json:"updated_at"`
	Version           int         `json:"version"`

	passwordHash string
	totpSecret   []byte
	totpPending  []byte
	totpLastStep int64
}

// Actor returns the access actor for the user.
func (u *User) Actor(tenantSlug string) access.Actor {
	return access.Actor{UserID: u.ID, TenantID: u.TenantID, TenantSlug: tenantSlug, OrganisationID: u.OrganisationID,
		Role: u.Role, Name: u.Name, Email: u.Email, Language: u.Language}
}

// NeedsMFA reports whether the user must pass a second factor: when the installation requires
// it for the role, or when the user has set one up voluntarily.
func (u *User) NeedsMFA(required bool) bool {
	return u.MFAEnabled || (required && u.Role.RequiresMFA())
}

// TenantInfo is what the accounts room needs to know about a tenant.
type TenantInfo struct {
	ID       string
	Slug     string
	Name     string
	Disabled bool
}

// Directory is what the accounts room needs from the directory room.
type Directory interface {
	TenantBySlug(ctx context.Context, slug string) (TenantInfo, error)
	TenantByID(ctx context.Context, id string) (TenantInfo, error)
	OrganisationExists(ctx context.Context, tx *db.Tx, tenantID, id string) (bool, error)
	FirstOrganisation(ctx context.Context, tx *db.Tx, tenantID string) (string, error)
}

// UserInput is the editable part of an account.
type UserInput struct {
	Name           string      `json:"name"`
	Email          string      `json:"email"`
	Role           access.Role `json:"role"`
	OrganisationID string      `json:"organisation_id"`
	Language       string      `json:"language"`
	Disabled       bool        `json:"disabled"`
	Version        int         `json:"version"`
}

// Validate checks the input.
func (in *UserInput) Validate() error {
	in.Name = singleLine(in.Name)
	in.Email = NormaliseEmail(in.Email)
	var v errs.Validation
	if in.Name == "" {
		v.Add("name", "validation.required")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		v.Add("name", "validation.too_long", "Max", 200)
	}
	if in.Email == "" {
		v.Add("email", "validation.required")
	} else if !validEmail(in.Email) {
		v.Add("email", "validation.email")
	}
	if in.Role == "" {
		v.Add("role", "validation.required")
	} else if !in.Role.Valid() {
		v.Add("role", "validation.choice")
	}
	if in.OrganisationID == "" {
		v.Add("organisation_id", "validation.required")
	}
	if in.Language == "" {
		in.Language = i18n.Staff[0]
	} else if !i18n.Supported(in.Language, i18n.Staff) {
		v.Add("language", "validation.choice")
	}
	return v.Err()
}

// NormaliseEmail trims an address, drops control characters (which PostgreSQL would refuse in a
// lookup) and lower-cases it; addresses are compared in this form.
func NormaliseEmail(s string) string { return strings.ToLower(singleLine(s)) }

// singleLine folds white space into single spaces and drops control characters (a name or
// label is one line; PostgreSQL refuses NUL in text).
func singleLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"(),;:\\[]") {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.Contains(domain, "@") && !strings.Contains(domain, "..")
}

// SessionInfo describes one of the user's sessions on the account page.
type SessionInfo struct {
	ID         string // a short public handle (first 16 hex characters of the hash)
	CreatedAt  time.Time
	LastSeenAt time.Time
	UserAgent  string
	Current    bool
}

// Token is an API token (without its secret).
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Revoked    bool       `json:"revoked"`
}
