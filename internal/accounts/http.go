package accounts

import (
	"context"
	"embed"
	"net/http"

	"kim/internal/platform/access"
	"kim/internal/platform/auth"
	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("accounts", assets) }

// DemoLogin is one account shown on the login page in demo mode.
type DemoLogin struct {
	Email        string
	Role         access.Role
	Organisation string
}

// Demo describes the demo logins; nil outside demo mode.
type Demo struct {
	Tenant   string // slug of the demo tenant; the logins are shown only while it exists
	Password string
	Logins   []DemoLogin
}

// HTTP serves login, the account page, the user administration and their API.
type HTTP struct {
	S    *Service
	R    *web.Renderer
	Demo *Demo
	OIDC *OIDC
	// Tenants lists the tenants that accept logins (for the login form).
	Tenants func(ctx context.Context) ([]TenantInfo, error)
	// Organisations lists the organisations of the actor's tenant as options.
	Organisations func(ctx context.Context, actor access.Actor) ([]web.Option, error)
	// TenantPage shows the platform administration's tenant page (with the administrator form).
	TenantPage func(w http.ResponseWriter, r *http.Request, status int, tenantID string, adminForm *web.Form)
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	rt.Handle("GET /anmelden", web.Public, h.loginPage)
	rt.Handle("POST /anmelden", web.Public, h.login)
	rt.Handle("GET /anmelden/zweiter-faktor", web.Pending, h.mfaPage)
	rt.Handle("POST /anmelden/zweiter-faktor", web.Pending, h.mfa)
	rt.Handle("GET /anmelden/einrichten", web.Pending, h.enrolPage)
	rt.Handle("POST /anmelden/einrichten", web.Pending, h.enrol)
	rt.Handle("GET /anmelden/oidc", web.Public, h.oidcStart)
	rt.Handle("GET /anmelden/oidc/callback", web.Public, h.oidcCallback)
	rt.Handle("GET /aktivieren", web.Public, h.activatePage)
	rt.Handle("POST /aktivieren", web.Public, h.activate)
	rt.Handle("POST /abmelden", web.Public, h.logout)
	rt.Handle("POST /abmelden/ueberall", web.Staff, h.logoutEverywhere)
	rt.Handle("GET /sitzung", web.Staff, h.sessionStatus)
	rt.Handle("POST /sitzung/verlaengern", web.Staff, h.sessionExtend)

	rt.Handle("GET /konto", web.Staff, h.accountPage)
	rt.Handle("POST /konto/sprache", web.Staff, h.accountLanguage)
	rt.Handle("POST /konto/passwort", web.Staff, h.accountPassword)
	rt.Handle("POST /konto/wiederherstellungscodes", web.Staff, h.accountRecoveryCodes)
	rt.Handle("POST /konto/zweiter-faktor", web.Staff, h.accountReEnrol)
	rt.Handle("POST /konto/zweiter-faktor/bestaetigen", web.Staff, h.accountReEnrolConfirm)
	rt.Handle("POST /konto/sitzungen/beenden", web.Staff, h.accountEndSession)
	rt.Handle("POST /konto/tokens", web.Staff, h.accountCreateToken)
	rt.Handle("POST /konto/tokens/{id}/widerrufen", web.Staff, h.accountRevokeToken)

	rt.Handle("GET /verwaltung/benutzer", web.Staff, h.userList)
	rt.Handle("GET /verwaltung/benutzer/export.csv", web.Staff, h.userExport)
	rt.Handle("GET /verwaltung/benutzer/neu", web.Staff, h.userNew)
	rt.Handle("POST /verwaltung/benutzer", web.Staff, h.userCreate)
	rt.Handle("GET /verwaltung/benutzer/{id}", web.Staff, h.userEdit)
	rt.Handle("POST /verwaltung/benutzer/{id}", web.Staff, h.userUpdate)
	rt.Handle("GET /verwaltung/benutzer/{id}/aktivierung", web.Staff, h.userConfirmActivation)
	rt.Handle("POST /verwaltung/benutzer/{id}/aktivierung", web.Staff, h.userActivation)
	rt.Handle("GET /verwaltung/benutzer/{id}/zweiter-faktor", web.Staff, h.userConfirmMFAReset)
	rt.Handle("POST /verwaltung/benutzer/{id}/zweiter-faktor", web.Staff, h.userAction(h.S.ResetSecondFactor, "accounts.user.mfa_reset_done"))
	rt.Handle("POST /verwaltung/benutzer/{id}/sitzungen", web.Staff, h.userAction(h.S.EndUserSessions, "accounts.user.sessions_ended"))
	rt.Handle("POST /plattform/mandanten/{id}/administration", web.Staff, h.tenantAdminCreate)

	rt.Handle("GET /api/v1/me", web.Token, h.apiMe)
	rt.Handle("GET /api/v1/users", web.Token, h.apiUserList)
	rt.Handle("POST /api/v1/users", web.Token, h.apiUserCreate)
	rt.Handle("GET /api/v1/users/{id}", web.Token, h.apiUserGet)
	rt.Handle("PATCH /api/v1/users/{id}", web.Token, h.apiUserPatch)
}

// Guard returns the middleware that enforces an access mode: pages redirect to the login (or
// to the outstanding login step), API routes answer 401.
func (h *HTTP) Guard(a web.Access) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := web.IdentityFrom(r.Context())
			session := id != nil && id.Via == "session"
			full := id != nil && id.Stage == auth.StageFull
			switch a {
			case web.Public:
				next.ServeHTTP(w, r)
				return
			case web.Token:
				if id != nil && id.Via == "token" {
					next.ServeHTTP(w, r)
					return
				}
			case web.Either:
				if full {
					next.ServeHTTP(w, r)
					return
				}
			case web.Staff:
				if session && full {
					next.ServeHTTP(w, r)
					return
				}
				if session {
					http.Redirect(w, r, pendingPath(id.Stage), http.StatusSeeOther)
					return
				}
			case web.Pending:
				if session && !full {
					next.ServeHTTP(w, r)
					return
				}
				if session && full {
					http.Redirect(w, r, "/start", http.StatusSeeOther)
					return
				}
				http.Redirect(w, r, "/anmelden", http.StatusSeeOther)
				return
			}
			if web.IsAPI(r) || a == web.Token {
				h.R.Fail(w, r, errUnauthorized)
				return
			}
			target := "/anmelden"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + urlQueryEscape(r.URL.Path)
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
		})
	}
}

func pendingPath(stage string) string {
	if stage == auth.StageEnrol {
		return "/anmelden/einrichten"
	}
	return "/anmelden/zweiter-faktor"
}
