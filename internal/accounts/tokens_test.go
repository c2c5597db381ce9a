package accounts_test

import (
	"context"
	"net/http"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
)

// An administrator's reset of the password or of the second factor is incident response: the
// account's API tokens stop working as well as its sessions.
func TestCredentialResetsRevokeTokens(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env := apptest.New(t, e, apptest.Options{})
			fx := env.Seed()
			ctx := context.Background()
			admin := fx.Users[access.TenantAdmin].Actor("alpha")
			for _, c := range []struct {
				role  access.Role
				reset func(id string) error
			}{
				{access.CaseManager, func(id string) error { _, err := env.App.Accounts.IssueActivation(ctx, admin, id); return err }},
				{access.TeamLead, func(id string) error { return env.App.Accounts.ResetSecondFactor(ctx, admin, id) }},
			} {
				api := env.Client()
				api.Token = fx.Tokens[c.role]
				if r := api.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
					t.Fatalf("%s before the reset: %d", c.role, r.StatusCode)
				}
				if err := c.reset(fx.Users[c.role].ID); err != nil {
					t.Fatal(err)
				}
				if r := api.Get("/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s after the reset: token still answers %d", c.role, r.StatusCode)
				}
			}
			// Other accounts' tokens are untouched.
			api := env.Client()
			api.Token = fx.Tokens[access.Coordinator]
			if r := api.Get("/api/v1/me"); r.StatusCode != http.StatusOK {
				t.Errorf("another account's token: %d", r.StatusCode)
			}
		})
	}
}
