package accounts

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"kim/internal/platform/auth"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

var errUnauthorized = errs.E(errs.Unauthorized, "error.unauthorized")

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

type loginData struct {
	Tenants   []TenantInfo
	Demo      *Demo
	OIDC      bool
	OIDCLabel string
	Expired   bool
	Next      string
	Error     errs.Message
}

func (h *HTTP) renderLogin(w http.ResponseWriter, r *http.Request, status int, f *web.Form, msg errs.Message) {
	tenants, err := h.Tenants(r.Context())
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d := loginData{Tenants: tenants, Expired: r.URL.Query().Get("abgelaufen") == "1",
		Next: SafeNext(f.Value("next"), ""), Error: msg}
	if h.OIDC != nil {
		d.OIDC, d.OIDCLabel = true, h.OIDC.Label
	}
	for _, t := range tenants {
		if h.Demo != nil && t.Slug == h.Demo.Tenant {
			d.Demo = h.Demo
		}
	}
	if f.Value("tenant") == "" && len(tenants) > 0 {
		f.Values.Set("tenant", tenants[0].Slug)
	}
	f.Fields = web.Fields(
		"tenant", "accounts.login.tenant",
		"email", "accounts.login.email",
		"password", "accounts.login.password",
	)
	h.R.Render(w, r, status, "accounts/login", web.View{Title: "accounts.login.title", Form: f, Data: d})
}

func (h *HTTP) loginPage(w http.ResponseWriter, r *http.Request) {
	if id := web.IdentityFrom(r.Context()); id != nil && id.Via == "session" {
		if id.Stage == auth.StageFull {
			http.Redirect(w, r, SafeNext(r.URL.Query().Get("next"), "/start"), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, pendingPath(id.Stage), http.StatusSeeOther)
		return
	}
	h.renderLogin(w, r, http.StatusOK, web.NewForm(url.Values{"next": {r.URL.Query().Get("next")}}), errs.Message{})
}

func (h *HTTP) login(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"tenant": {r.PostForm.Get("tenant")}, "email": {r.PostForm.Get("email")}, "next": {r.PostForm.Get("next")}})
	var v errs.Validation
	if strings.TrimSpace(r.PostForm.Get("email")) == "" {
		v.Add("email", "validation.required")
	}
	if r.PostForm.Get("password") == "" {
		v.Add("password", "validation.required")
	}
	if err := v.Err(); err != nil {
		h.renderLogin(w, r, http.StatusUnprocessableEntity, f.WithError(err), errs.Message{})
		return
	}
	res, err := h.S.Login(r.Context(), LoginInput{TenantSlug: r.PostForm.Get("tenant"), Email: r.PostForm.Get("email"),
		Password: r.PostForm.Get("password"), IP: web.ClientFrom(r.Context()).IP, UserAgent: r.UserAgent()})
	switch {
	case err == ErrLocked:
		h.renderLogin(w, r, http.StatusTooManyRequests, f, ErrLocked.Message)
		return
	case err == ErrLoginFailed:
		h.renderLogin(w, r, http.StatusUnauthorized, f, ErrLoginFailed.Message)
		return
	case err != nil:
		h.R.Fail(w, r, err)
		return
	}
	// A session the browser already held (an earlier login, or one planted by someone else) ends
	// here, so that a login always leaves exactly one, new session id (SESS-02).
	if old := sessionFrom(r.Context()); old != nil {
		if err := h.S.Logout(r.Context(), old, web.ActorFrom(r.Context())); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	h.completeStep(w, r, res, f.Value("next"))
}

// completeStep sets the new session cookie and sends the browser to the next login step or to
// the page it came for.
func (h *HTTP) completeStep(w http.ResponseWriter, r *http.Request, res *LoginResult, next string) {
	setSessionCookie(w, r, res.Token)
	next = SafeNext(next, "")
	switch res.Session.Stage {
	case auth.StageFull:
		if res.User != nil && res.User.Language != "" {
			web.SetLanguage(w, r, res.User.Language)
		}
		http.Redirect(w, r, SafeNext(next, "/start"), http.StatusSeeOther)
	default:
		target := pendingPath(res.Session.Stage)
		if next != "" {
			target += "?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
}

func (h *HTTP) mfaPage(w http.ResponseWriter, r *http.Request) {
	if sessionFrom(r.Context()).Stage != auth.StageMFA {
		http.Redirect(w, r, pendingPath(sessionFrom(r.Context()).Stage), http.StatusSeeOther)
		return
	}
	f := web.NewForm(url.Values{"next": {SafeNext(r.URL.Query().Get("next"), "")}})
	h.R.Render(w, r, http.StatusOK, "accounts/mfa", web.View{Title: "accounts.mfa.title", Form: f})
}

func (h *HTTP) mfa(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	sess := sessionFrom(r.Context())
	f := web.NewForm(url.Values{"next": {SafeNext(r.PostForm.Get("next"), "")}})
	res, err := h.S.VerifySecondFactor(r.Context(), sess, r.PostForm.Get("code"), web.ClientFrom(r.Context()).IP, r.UserAgent())
	if err != nil {
		status := web.Status(err)
		if err == ErrLocked {
			status = http.StatusTooManyRequests
			// A locked-out login starts again from the password.
			_ = h.S.Logout(r.Context(), sess, web.ActorFrom(r.Context()))
			clearSessionCookie(w, r)
		}
		if errs.CodeOf(err) != errs.Unauthorized {
			h.R.Fail(w, r, err)
			return
		}
		f.Errors = map[string]errs.Message{"code": errs.As(err).Message}
		h.R.Render(w, r, status, "accounts/mfa", web.View{Title: "accounts.mfa.title", Form: f})
		return
	}
	h.completeStep(w, r, res, f.Value("next"))
}

type enrolData struct {
	Secret string
	QR     template.URL // a data: URL built by us from the secret, safe to put into src
	Action string
	Cancel string
}

func (h *HTTP) enrolView(e *Enrolment, action, cancel string, f *web.Form) (web.View, error) {
	qr, err := auth.TOTPQRCode(e.URL)
	if err != nil {
		return web.View{}, err
	}
	return web.View{Title: "accounts.enrol.title", Form: f, Data: enrolData{Secret: groupSecret(e.Secret), QR: template.URL(qr), Action: action, Cancel: cancel}}, nil
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (h *HTTP) enrolPage(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	if sess.Stage != auth.StageEnrol {
		http.Redirect(w, r, pendingPath(sess.Stage), http.StatusSeeOther)
		return
	}
	_, e, err := h.S.EnrolmentFor(r.Context(), sess)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	view, err := h.enrolView(e, "/anmelden/einrichten", "", web.NewForm(url.Values{"next": {SafeNext(r.URL.Query().Get("next"), "")}}))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/enrol", view)
}

type codesData struct {
	Codes []string
	Next  string
}

func (h *HTTP) enrol(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	sess := sessionFrom(r.Context())
	u, e, err := h.S.EnrolmentFor(r.Context(), sess)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	next := SafeNext(r.PostForm.Get("next"), "/start")
	codes, res, err := h.S.ConfirmEnrolment(r.Context(), u, sess, r.PostForm.Get("code"), r.UserAgent())
	if err != nil {
		view, verr := h.enrolView(e, "/anmelden/einrichten", "", web.NewForm(url.Values{"next": {next}}))
		if verr != nil {
			h.R.Fail(w, r, verr)
			return
		}
		h.R.FormFailed(w, r, err, "accounts/enrol", view)
		return
	}
	setSessionCookie(w, r, res.Token)
	// The codes are shown on this response only; they are stored as hashes.
	r = r.WithContext(web.WithIdentity(r.Context(), &web.Identity{Actor: u.Actor(""), Via: "session", Stage: auth.StageFull,
		IdleDeadline: res.Session.IdleDeadline(h.S.Cfg.Sessions)}))
	h.R.Render(w, r, http.StatusOK, "accounts/recovery_codes", web.View{Title: "accounts.codes.title", Data: codesData{Codes: codes, Next: next}})
}

func (h *HTTP) activatePage(w http.ResponseWriter, r *http.Request) {
	h.renderActivate(w, r, http.StatusOK, web.NewForm(nil), errs.Message{})
}

func (h *HTTP) renderActivate(w http.ResponseWriter, r *http.Request, status int, f *web.Form, msg errs.Message) {
	tenants, err := h.Tenants(r.Context())
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if f.Value("tenant") == "" && len(tenants) > 0 {
		f.Values.Set("tenant", tenants[0].Slug)
	}
	f.Fields = web.Fields(
		"tenant", "accounts.login.tenant",
		"email", "accounts.login.email",
		"code", "accounts.activate.code",
		"password", "accounts.account.new_password",
		"repeat_password", "accounts.account.repeat_password",
	)
	h.R.Render(w, r, status, "accounts/activate", web.View{Title: "accounts.activate.title", Form: f,
		Data: loginData{Tenants: tenants, Error: msg}})
}

func (h *HTTP) activate(w http.ResponseWriter, r *http.Request) {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"tenant": {r.PostForm.Get("tenant")}, "email": {r.PostForm.Get("email")}})
	if r.PostForm.Get("password") != r.PostForm.Get("repeat_password") {
		f.Errors = map[string]errs.Message{"repeat_password": errs.Msg("accounts.account.passwords_differ")}
		h.renderActivate(w, r, http.StatusUnprocessableEntity, f, errs.Message{})
		return
	}
	err := h.S.Activate(r.Context(), r.PostForm.Get("tenant"), r.PostForm.Get("email"), r.PostForm.Get("code"),
		r.PostForm.Get("password"), web.ClientFrom(r.Context()).IP)
	switch {
	case err == ErrLocked:
		h.renderActivate(w, r, http.StatusTooManyRequests, f, ErrLocked.Message)
	case err == ErrActivation:
		h.renderActivate(w, r, http.StatusUnauthorized, f, ErrActivation.Message)
	case errs.CodeOf(err) == errs.Invalid:
		h.renderActivate(w, r, http.StatusUnprocessableEntity, f.WithError(err), errs.Message{})
	case err != nil:
		h.R.Fail(w, r, err)
	default:
		web.Redirect(w, r, "/anmelden", "accounts.activate.done")
	}
}

func (h *HTTP) logout(w http.ResponseWriter, r *http.Request) {
	if sess := sessionFrom(r.Context()); sess != nil {
		if err := h.S.Logout(r.Context(), sess, web.ActorFrom(r.Context())); err != nil {
			h.R.Fail(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	web.Redirect(w, r, "/anmelden", "accounts.logout.done")
}

func (h *HTTP) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if err := h.S.LogoutEverywhere(r.Context(), web.ActorFrom(r.Context())); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	web.Redirect(w, r, "/anmelden", "accounts.logout.everywhere_done")
}

type sessionState struct {
	Active       bool   `json:"active"`
	IdleDeadline string `json:"idle_deadline,omitempty"`
	Label        string `json:"label,omitempty"`
}

func (h *HTTP) sessionState(r *http.Request, id *web.Identity) sessionState {
	l := h.R.Localizer(r)
	return sessionState{Active: true, IdleDeadline: id.IdleDeadline.UTC().Format("2006-01-02T15:04:05Z"),
		Label: l.T("layout.session_until", "Time", id.IdleDeadline.In(web.Berlin).Format("15:04"))}
}

func (h *HTTP) sessionStatus(w http.ResponseWriter, r *http.Request) {
	web.JSON(w, http.StatusOK, h.sessionState(r, web.IdentityFrom(r.Context())))
}

func (h *HTTP) sessionExtend(w http.ResponseWriter, r *http.Request) {
	id, err := h.S.Extend(r.Context(), sessionFrom(r.Context()))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	cur := web.IdentityFrom(r.Context())
	cur.IdleDeadline = id
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		web.JSON(w, http.StatusOK, h.sessionState(r, cur))
		return
	}
	_ = web.ParseForm(r)
	web.Redirect(w, r, SafeNext(r.PostForm.Get("next"), "/start"), "accounts.session.extended")
}
