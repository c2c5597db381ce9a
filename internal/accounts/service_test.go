package accounts_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"kim/internal/accounts"
	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
)

var bg = context.Background()

// currentT is the running (sub)test; the tests of this package do not run in parallel.
var currentT *testing.T

func mustOK[T any](v T, err error) T {
	currentT.Helper()
	if err != nil {
		currentT.Fatalf("unexpected error: %v", err)
	}
	return v
}

type svcSuite struct {
	t     *testing.T
	env   *apptest.Env
	f     *apptest.Fixtures
	s     *accounts.Service
	admin access.Actor
}

func eachSvcEngine(t *testing.T, opt apptest.Options, fn func(t *testing.T, s *svcSuite)) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			currentT = t
			env := apptest.New(t, e, opt)
			f := env.Seed()
			fn(t, &svcSuite{t: t, env: env, f: f, s: env.App.Accounts, admin: f.Users[access.TenantAdmin].Actor("alpha")})
		})
	}
}

func (s *svcSuite) login(email, password string) (*accounts.LoginResult, error) {
	return s.s.Login(bg, accounts.LoginInput{TenantSlug: "alpha", Email: email, Password: password, IP: "192.0.2.7", UserAgent: "test"})
}

func (s *svcSuite) sessionExists(token string) bool {
	s.t.Helper()
	var sess *auth.Session
	if err := s.env.DB().Read(bg, func(tx *db.Tx) (err error) {
		sess, err = auth.LookupSession(bg, tx, token)
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
	return sess != nil
}

// disable switches an account off (or on) as the tenant administrator.
func (s *svcSuite) setDisabled(u *accounts.User, disabled bool) error {
	_, err := s.s.UpdateUser(bg, s.admin, u.ID, accounts.UserInput{Name: u.Name, Email: u.Email, Role: u.Role,
		OrganisationID: u.OrganisationID, Disabled: disabled})
	return err
}

func wantFieldErr(t *testing.T, err error, field, msg, what string) {
	t.Helper()
	e := errs.As(err)
	if err == nil || e.Code != errs.Invalid || e.Fields[field].ID != msg {
		t.Errorf("%s: error %v (fields %v), want %s: %s", what, err, e.Fields, field, msg)
	}
}

const newPassword = "Lindenblüte-im-Sommer-26"

func TestLogin(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		cm := s.f.Users[access.CaseManager]
		res := mustOK(s.login("  "+strings.ToUpper(cm.Email)+" ", apptest.Password))
		if res.User.ID != cm.ID || res.Session.Stage != auth.StageFull || !s.sessionExists(res.Token) {
			t.Fatalf("login: %+v", res)
		}
		// Wrong password, unknown address and unknown tenant look the same.
		_, wrong := s.login(cm.Email, "Falsches-Passwort-2026")
		_, unknown := s.login("niemand@alpha.example", apptest.Password)
		_, tenant := s.s.Login(bg, accounts.LoginInput{TenantSlug: "gamma", Email: cm.Email, Password: apptest.Password})
		_, other := s.login(s.f.MemberB1.Email, apptest.Password) // an account of tenant beta
		for name, err := range map[string]error{"wrong password": wrong, "unknown e-mail": unknown, "unknown tenant": tenant, "other tenant": other} {
			if !errors.Is(err, accounts.ErrLoginFailed) || err.Error() != accounts.ErrLoginFailed.Error() {
				t.Errorf("%s: %v, want the generic login error", name, err)
			}
		}
		// A disabled account cannot log in, even with the right password.
		if err := s.setDisabled(s.f.ColleagueA1, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.login(s.f.ColleagueA1.Email, apptest.Password); !errors.Is(err, accounts.ErrLoginFailed) {
			t.Errorf("disabled account: %v", err)
		}
		if err := s.setDisabled(s.f.ColleagueA1, false); err != nil {
			t.Fatal(err)
		}
		mustOK(s.login(s.f.ColleagueA1.Email, apptest.Password))
	})
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		for _, email := range []string{s.f.ColleagueA1.Email, "niemand@alpha.example"} {
			for i := 1; i <= 5; i++ {
				_, err := s.login(email, fmt.Sprintf("Falsch-%d-Passwort", i))
				want := accounts.ErrLoginFailed
				if i == 5 {
					want = accounts.ErrLocked
				}
				if !errors.Is(err, want) {
					t.Fatalf("%s attempt %d: %v, want %v", email, i, err, want)
				}
			}
		}
		// Locked: even the right password is refused; other accounts are not affected.
		if _, err := s.login(s.f.ColleagueA1.Email, apptest.Password); !errors.Is(err, accounts.ErrLocked) {
			t.Fatalf("right password while locked: %v", err)
		}
		mustOK(s.login(s.f.MemberA2.Email, apptest.Password))
		s.env.Clock.Advance(14*time.Minute + 59*time.Second)
		if _, err := s.login(s.f.ColleagueA1.Email, apptest.Password); !errors.Is(err, accounts.ErrLocked) {
			t.Fatalf("after 14m59s: %v, want still locked", err)
		}
		s.env.Clock.Advance(2 * time.Second)
		mustOK(s.login(s.f.ColleagueA1.Email, apptest.Password))
		// A successful login resets the counter.
		for i := 1; i <= 4; i++ {
			if _, err := s.login(s.f.ColleagueA1.Email, "Falsch"); !errors.Is(err, accounts.ErrLoginFailed) {
				t.Fatalf("after reset, attempt %d: %v", i, err)
			}
		}
	})
}

func TestSecondFactor(t *testing.T) {
	eachSvcEngine(t, apptest.Options{RequireMFA: true}, func(t *testing.T, s *svcSuite) {
		// Roles without access to personal data need no second factor.
		if res := mustOK(s.login(apptest.Email(access.Coordinator), apptest.Password)); res.Session.Stage != auth.StageFull {
			t.Errorf("coordinator: stage %s", res.Session.Stage)
		}
		email := apptest.Email(access.CaseManager)
		first := mustOK(s.login(email, apptest.Password))
		if first.Session.Stage != auth.StageEnrol {
			t.Fatalf("stage %s, want enrol", first.Session.Stage)
		}
		u, enrol := mustOK2(s.s.EnrolmentFor(bg, first.Session))
		if enrol.Secret == "" || !strings.Contains(enrol.URL, "otpauth://totp/") {
			t.Fatalf("enrolment %+v", enrol)
		}
		_, _, err := s.s.ConfirmEnrolment(bg, u, first.Session, "000000", "test")
		if auth.TOTPCode(enrol.Secret, s.env.Clock.Now()) != "000000" {
			wantFieldErr(t, err, "code", "accounts.mfa.invalid", "wrong enrolment code")
		}
		code := auth.TOTPCode(enrol.Secret, s.env.Clock.Now())
		recovery, full, err := s.s.ConfirmEnrolment(bg, u, first.Session, code, "test")
		if err != nil {
			t.Fatal(err)
		}
		if len(recovery) != 10 || full == nil || full.Session.Stage != auth.StageFull || s.sessionExists(first.Token) {
			t.Fatalf("after enrolment: %d recovery codes, session %+v, pending session kept: %v", len(recovery), full, s.sessionExists(first.Token))
		}

		mfaLogin := func() *accounts.LoginResult {
			t.Helper()
			res := mustOK(s.login(email, apptest.Password))
			if res.Session.Stage != auth.StageMFA {
				t.Fatalf("stage %s, want mfa", res.Session.Stage)
			}
			return res
		}
		verify := func(code string) error {
			t.Helper()
			res := mfaLogin()
			done, err := s.s.VerifySecondFactor(bg, res.Session, code, "192.0.2.7", "test")
			if err == nil && (done.Session.Stage != auth.StageFull || s.sessionExists(res.Token)) {
				t.Fatalf("verified: %+v", done)
			}
			return err
		}
		// The code used for the enrolment cannot be used again.
		if err := verify(code); !errors.Is(err, accounts.ErrCodeInvalid) {
			t.Errorf("replayed enrolment code: %v", err)
		}
		s.env.Clock.Advance(30 * time.Second)
		next := auth.TOTPCode(enrol.Secret, s.env.Clock.Now())
		if err := verify(next); err != nil {
			t.Fatalf("fresh code: %v", err)
		}
		if err := verify(next); !errors.Is(err, accounts.ErrCodeInvalid) {
			t.Errorf("code used twice: %v", err)
		}
		// A recovery code works exactly once (in any case and with spaces).
		if err := verify(" " + strings.ToUpper(recovery[3]) + " "); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if err := verify(recovery[3]); !errors.Is(err, accounts.ErrCodeInvalid) {
			t.Errorf("recovery code used twice: %v", err)
		}
		if n := mustOK(s.s.RecoveryCodesLeft(bg, u)); n != 9 {
			t.Errorf("%d recovery codes left, want 9", n)
		}

		// Nothing secret is stored in clear.
		token := mustOK(s.s.CreateToken(bg, u.Actor("alpha"), "Skript", 0))
		secrets := []string{enrol.Secret, strings.ToLower(enrol.Secret), token, token[strings.LastIndexByte(token, '_')+1:], full.Token}
		for _, c := range recovery {
			secrets = append(secrets, c, strings.ReplaceAll(c, "-", ""))
		}
		s.noPlaintext(secrets)
	})
}

func mustOK2[A, B any](a A, b B, err error) (A, B) {
	currentT.Helper()
	if err != nil {
		currentT.Fatalf("unexpected error: %v", err)
	}
	return a, b
}

// noPlaintext scans every column of every table for the given secrets.
func (s *svcSuite) noPlaintext(secrets []string) {
	s.t.Helper()
	d := s.env.DB()
	err := d.Read(bg, func(tx *db.Tx) error {
		q := "SELECT name FROM sqlite_master WHERE type = 'table'"
		if d.Engine() == db.Postgres {
			q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
		}
		rows, err := tx.QueryContext(bg, q)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			tables = append(tables, n)
		}
		rows.Close()
		scanned := 0
		for _, table := range tables {
			rows, err := tx.QueryContext(bg, "SELECT * FROM "+table)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				for i, v := range vals {
					text := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						text = string(b)
					}
					scanned++
					for _, secret := range secrets {
						if secret != "" && strings.Contains(text, secret) {
							s.t.Errorf("table %s, column %s holds a secret in clear", table, cols[i])
						}
					}
				}
			}
			rows.Close()
		}
		if scanned < 100 {
			s.t.Errorf("scanned only %d values", scanned)
		}
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func TestActivation(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		in := accounts.UserInput{Name: "Neue Kollegin", Email: "Neu@Alpha.example", Role: access.CaseManager, OrganisationID: s.f.OrgA1.ID}
		act := mustOK(s.s.CreateUser(bg, s.admin, in))
		if act.User.Email != "neu@alpha.example" || !act.User.ActivationPending || len(act.Code) != 14 {
			t.Fatalf("activation %+v", act)
		}
		if _, err := s.login("neu@alpha.example", newPassword); !errors.Is(err, accounts.ErrLoginFailed) {
			t.Errorf("login before activation: %v", err)
		}
		activate := func(email, code string) error {
			return s.s.Activate(bg, "alpha", email, code, newPassword, "192.0.2.9")
		}
		if err := activate("neu@alpha.example", "AAAA-BBBB-CCCC"); !errors.Is(err, accounts.ErrActivation) {
			t.Errorf("wrong code: %v", err)
		}
		if err := activate("neu@alpha.example", strings.ToLower(act.Code)); err != nil {
			t.Fatalf("activate: %v", err)
		}
		mustOK(s.login("neu@alpha.example", newPassword))
		if err := activate("neu@alpha.example", act.Code); !errors.Is(err, accounts.ErrActivation) {
			t.Errorf("used code: %v", err)
		}
		in.Email = "spaeter@alpha.example"
		late := mustOK(s.s.CreateUser(bg, s.admin, in))
		s.env.Clock.Advance(73 * time.Hour)
		if err := activate(in.Email, late.Code); !errors.Is(err, accounts.ErrActivation) {
			t.Errorf("expired code: %v", err)
		}

		// A new activation code invalidates the password and ends the sessions.
		c := s.env.Client()
		c.LoginAs("alpha", s.f.ColleagueA1.Email, apptest.Password)
		reset := mustOK(s.s.IssueActivation(bg, s.admin, s.f.ColleagueA1.ID))
		if r := c.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
			t.Errorf("session after new activation code: %d %s", r.StatusCode, r.Location())
		}
		if _, err := s.login(s.f.ColleagueA1.Email, apptest.Password); !errors.Is(err, accounts.ErrLoginFailed) {
			t.Errorf("old password after new activation code: %v", err)
		}
		if err := activate(s.f.ColleagueA1.Email, reset.Code); err != nil {
			t.Fatal(err)
		}
		mustOK(s.login(s.f.ColleagueA1.Email, newPassword))
		s.noPlaintext([]string{act.Code, late.Code, reset.Code, strings.ReplaceAll(reset.Code, "-", "")})
	})
}

func TestAdministratorLimits(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		_, err := s.s.CreateUser(bg, s.admin, accounts.UserInput{Name: "Chef", Email: "chef@alpha.example", Role: access.PlatformAdmin, OrganisationID: s.f.OrgA1.ID})
		wantFieldErr(t, err, "role", "accounts.user.role_not_assignable", "create a platform administrator")
		c := s.f.ColleagueA1
		_, err = s.s.UpdateUser(bg, s.admin, c.ID, accounts.UserInput{Name: c.Name, Email: c.Email, Role: access.PlatformAdmin, OrganisationID: c.OrganisationID})
		wantFieldErr(t, err, "role", "accounts.user.role_not_assignable", "promote to platform administrator")
		pa := s.f.Users[access.PlatformAdmin]
		_, err = s.s.UpdateUser(bg, s.admin, pa.ID, accounts.UserInput{Name: pa.Name, Email: pa.Email, Role: access.CaseManager, OrganisationID: pa.OrganisationID})
		if errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("demote a platform administrator: %v", err)
		}
		if _, err := s.s.IssueActivation(bg, s.admin, pa.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("reset a platform administrator's password: %v", err)
		}
		me := s.f.Users[access.TenantAdmin]
		self := accounts.UserInput{Name: me.Name, Email: me.Email, Role: me.Role, OrganisationID: me.OrganisationID, Disabled: true}
		_, err = s.s.UpdateUser(bg, s.admin, me.ID, self)
		wantFieldErr(t, err, "disabled", "accounts.user.not_self", "disable own account")
		self.Disabled, self.Role = false, access.CaseManager
		_, err = s.s.UpdateUser(bg, s.admin, me.ID, self)
		wantFieldErr(t, err, "role", "accounts.user.not_self", "change own role")
		if _, err := s.s.UpdateUser(bg, s.f.Users[access.TeamLead].Actor("alpha"), c.ID, accounts.UserInput{Name: "x", Email: c.Email,
			Role: c.Role, OrganisationID: c.OrganisationID}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("team lead changes an account: %v", err)
		}
		if _, err := s.s.GetUser(bg, s.admin, s.f.MemberB1.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("tenant administrator reads another tenant's account: %v", err)
		}
		if _, err := s.s.Login(bg, accounts.LoginInput{TenantSlug: "alpha", Email: me.Email, Password: apptest.Password}); err != nil {
			t.Errorf("administrator locked out: %v", err)
		}

		// Disabling ends every session of the account at once.
		cl := s.env.Client()
		cl.LoginAs("alpha", c.Email, apptest.Password)
		res := mustOK(s.login(c.Email, apptest.Password))
		if err := s.setDisabled(c, true); err != nil {
			t.Fatal(err)
		}
		if s.sessionExists(res.Token) {
			t.Error("session survived disabling")
		}
		if r := cl.Get("/start"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/anmelden") {
			t.Errorf("request after disabling: %d %s", r.StatusCode, r.Location())
		}
	})
}

func TestAPITokens(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		u := s.f.ColleagueA1
		actor := u.Actor("alpha")
		me := func(token string) int {
			t.Helper()
			c := s.env.Client()
			c.Token = token
			r := c.Get("/api/v1/me")
			if r.StatusCode == http.StatusOK {
				var body accounts.MeResponse
				r.JSON(t, &body)
				if body.ID != u.ID || body.Email != u.Email || body.Tenant != "alpha" {
					t.Errorf("me: %+v", body)
				}
			}
			return r.StatusCode
		}
		forever := mustOK(s.s.CreateToken(bg, actor, "Skript", 0))
		daily := mustOK(s.s.CreateToken(bg, actor, "Kurz", 1))
		if !strings.HasPrefix(forever, auth.APITokenPrefix) {
			t.Errorf("token %q lacks the prefix", forever)
		}
		for _, tok := range []string{forever, daily} {
			if code := me(tok); code != http.StatusOK {
				t.Fatalf("fresh token: %d", code)
			}
		}
		for _, bad := range []string{"", "kim_x", forever + "x", strings.Replace(forever, "_", "-", 1), flipLast(forever)} {
			if code := me(bad); code != http.StatusUnauthorized {
				t.Errorf("token %q: %d, want 401", bad, code)
			}
		}
		var id string
		for _, tk := range mustOK(s.s.Tokens(bg, actor)) {
			if tk.Name == "Skript" {
				id = tk.ID
			}
		}
		if err := s.s.RevokeToken(bg, s.f.MemberA2.Actor("alpha"), id); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("someone else revokes the token: %v", err)
		}
		if err := s.s.RevokeToken(bg, actor, id); err != nil {
			t.Fatal(err)
		}
		if code := me(forever); code != http.StatusUnauthorized {
			t.Errorf("revoked token: %d", code)
		}
		s.env.Clock.Advance(24*time.Hour - time.Second)
		if code := me(daily); code != http.StatusOK {
			t.Errorf("token before expiry: %d", code)
		}
		s.env.Clock.Advance(2 * time.Second)
		if code := me(daily); code != http.StatusUnauthorized {
			t.Errorf("expired token: %d", code)
		}
		// A disabled account's tokens stop working.
		other := mustOK(s.s.CreateToken(bg, actor, "Neu", 0))
		if err := s.setDisabled(u, true); err != nil {
			t.Fatal(err)
		}
		if code := me(other); code != http.StatusUnauthorized {
			t.Errorf("token of a disabled account: %d", code)
		}
		var stored sql.NullString
		if err := s.env.DB().Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, "SELECT token_hash FROM api_tokens WHERE tenant_id = $1 AND name = 'Neu'", s.f.TenantA.ID).Scan(&stored)
		}); err != nil || stored.String != auth.HashToken(other) {
			t.Errorf("stored %q, want the token's hash (%v)", stored.String, err)
		}
	})
}

func TestSessionLifetimes(t *testing.T) {
	eachSvcEngine(t, apptest.Options{}, func(t *testing.T, s *svcSuite) {
		alive := func(c *apptest.Client) bool {
			t.Helper()
			r := c.Get("/start")
			switch {
			case r.StatusCode == http.StatusOK:
				return true
			case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/anmelden"):
				return false
			}
			t.Fatalf("/start: %d %s", r.StatusCode, r.Location())
			return false
		}
		c := s.env.Client()
		c.Login(access.CaseManager)
		s.env.Clock.Advance(14*time.Minute + 59*time.Second)
		if !alive(c) {
			t.Fatal("session ended after 14m59s idle")
		}
		s.env.Clock.Advance(14*time.Minute + 59*time.Second)
		if !alive(c) {
			t.Fatal("activity did not extend the session")
		}
		s.env.Clock.Advance(15*time.Minute + time.Second)
		if alive(c) {
			t.Fatal("session alive after 15m01s idle")
		}
		if alive(c) {
			t.Fatal("an expired session came back")
		}

		// Constant activity still ends at 12 hours.
		c = s.env.Client()
		c.Login(access.CaseManager)
		var elapsed time.Duration
		for elapsed < 12*time.Hour {
			if !alive(c) {
				t.Fatalf("session ended after %s despite activity", elapsed)
			}
			s.env.Clock.Advance(14 * time.Minute)
			elapsed += 14 * time.Minute
		}
		if alive(c) {
			t.Fatalf("session alive after %s", elapsed)
		}
	})
}

// flipLast changes the last character of a token.
func flipLast(s string) string {
	last := byte('A')
	if s[len(s)-1] == last {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}
