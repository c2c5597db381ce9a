package casework_test

import (
	"net/http"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
)

func TestFixturesAndPages(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	c := env.Client()
	c.Login(access.CaseManager)
	for _, p := range []string{"/klienten", "/klienten/" + fx.ClientA1.ID, "/faelle", "/faelle/" + fx.CaseA1.ID, "/klienten/neu",
		"/faelle/neu?klient=" + fx.ClientA1.ID, "/klienten/" + fx.ClientA1.ID + "/einwilligungen/neu", "/vermittlungen/eingang",
		"/vermittlungen/" + fx.ReferralA2.ID, "/klienten?q=Samir+Alpha-Klient", "/einwilligungen/" + fx.ConsentA1.ID + "/widerrufen"} {
		r := c.Get(p)
		if r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, r.StatusCode, r.Body)
		}
	}
}

func TestAPIQuick(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{})
	fx := env.Seed()
	c := env.Client()
	c.Token = fx.Tokens[access.CaseManager]
	r := c.Get("/api/v1/clients")
	t.Logf("%d %s", r.StatusCode, r.Body)
	r = c.Get("/api/v1/districts")
	t.Logf("%d %s", r.StatusCode, r.Body)
}
