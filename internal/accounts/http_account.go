package accounts

import (
	"net/http"
	"net/url"
	"strconv"

	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/web"
)

type accountData struct {
	User      *User
	Sessions  []SessionInfo
	Tokens    []Token
	CodesLeft int
	NewToken  string
	Languages []web.Option
	Codes     []string
}

func staffLanguages() []web.Option {
	out := make([]web.Option, len(i18n.Staff))
	for i, l := range i18n.Staff {
		out[i] = web.Option{Value: l, Label: "language.self." + l, Translate: true}
	}
	return out
}

var accountFields = web.Fields(
	"language", "accounts.account.language_label",
	"current_password", "accounts.account.current_password",
	"new_password", "accounts.account.new_password",
	"repeat_password", "accounts.account.repeat_password",
	"password", "accounts.account.confirm_password",
	"code", "accounts.enrol.code",
	"token_name", "accounts.token.name",
	"token_days", "accounts.token.days_label",
)

func (h *HTTP) renderAccount(w http.ResponseWriter, r *http.Request, status int, f *web.Form, extra func(*accountData)) {
	actor := web.ActorFrom(r.Context())
	u, err := h.S.Me(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	d := accountData{User: u, Languages: staffLanguages()}
	if d.Sessions, err = h.S.Sessions(r.Context(), actor, web.IdentityFrom(r.Context()).SessionHash); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if d.Tokens, err = h.S.Tokens(r.Context(), actor); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if d.CodesLeft, err = h.S.RecoveryCodesLeft(r.Context(), u); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	if f.Value("language") == "" {
		f.Values.Set("language", u.Language)
	}
	if _, given := f.Values["token_days"]; !given {
		f.Values.Set("token_days", "90")
	}
	f.Fields = accountFields
	if extra != nil {
		extra(&d)
	}
	h.R.Render(w, r, status, "accounts/account", web.View{Title: "accounts.account.title", Form: f, Data: d})
}

func (h *HTTP) accountPage(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, nil, nil)
}

// accountFailed shows the account page again with the messages of err, or the error page.
func (h *HTTP) accountFailed(w http.ResponseWriter, r *http.Request, err error, keep url.Values) {
	f := web.NewForm(keep).WithError(err)
	if len(f.Errors) == 0 {
		if errs.CodeOf(err) == errs.Conflict {
			f.Errors = map[string]errs.Message{"_form": errs.As(err).Message}
			h.renderAccount(w, r, http.StatusConflict, f, nil)
			return
		}
		h.R.Fail(w, r, err)
		return
	}
	h.renderAccount(w, r, web.Status(err), f, nil)
}

func (h *HTTP) parse(w http.ResponseWriter, r *http.Request) bool {
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return false
	}
	return true
}

func (h *HTTP) accountLanguage(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	lang := r.PostForm.Get("language")
	if err := h.S.SetLanguage(r.Context(), web.ActorFrom(r.Context()), lang); err != nil {
		h.accountFailed(w, r, err, nil)
		return
	}
	// The explicit choice also replaces a language chosen earlier with ?lang=.
	web.SetLanguage(w, r, lang)
	web.Redirect(w, r, "/konto", "form.saved")
}

func (h *HTTP) accountPassword(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	id := web.IdentityFrom(r.Context())
	err := h.S.ChangePassword(r.Context(), id.Actor, id.SessionHash, r.PostForm.Get("current_password"),
		r.PostForm.Get("new_password"), r.PostForm.Get("repeat_password"))
	if err != nil {
		h.accountFailed(w, r, err, nil)
		return
	}
	web.Redirect(w, r, "/konto", "accounts.account.password_changed")
}

func (h *HTTP) accountRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	codes, err := h.S.RegenerateRecoveryCodes(r.Context(), web.ActorFrom(r.Context()), r.PostForm.Get("password"))
	if err != nil {
		h.accountFailed(w, r, err, nil)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/recovery_codes", web.View{Title: "accounts.codes.title", Data: codesData{Codes: codes, Next: "/konto"}})
}

func (h *HTTP) accountReEnrol(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	_, e, err := h.S.StartReEnrolment(r.Context(), web.ActorFrom(r.Context()), r.PostForm.Get("password"))
	if err != nil {
		h.accountFailed(w, r, err, nil)
		return
	}
	view, err := h.enrolView(e, "/konto/zweiter-faktor/bestaetigen", "/konto", web.NewForm(nil))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/enrol", view)
}

func (h *HTTP) accountReEnrolConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	u, err := h.S.Me(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	if len(u.totpPending) == 0 {
		web.Redirect(w, r, "/konto", "")
		return
	}
	codes, _, err := h.S.ConfirmEnrolment(r.Context(), u, nil, r.PostForm.Get("code"), r.UserAgent())
	if err != nil {
		e, eerr := h.S.StartEnrolment(r.Context(), u)
		if eerr != nil {
			h.R.Fail(w, r, eerr)
			return
		}
		view, verr := h.enrolView(e, "/konto/zweiter-faktor/bestaetigen", "/konto", web.NewForm(nil))
		if verr != nil {
			h.R.Fail(w, r, verr)
			return
		}
		h.R.FormFailed(w, r, err, "accounts/enrol", view)
		return
	}
	h.R.Render(w, r, http.StatusOK, "accounts/recovery_codes", web.View{Title: "accounts.codes.title", Data: codesData{Codes: codes, Next: "/konto"}})
}

func (h *HTTP) accountEndSession(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	if err := h.S.EndSession(r.Context(), web.ActorFrom(r.Context()), r.PostForm.Get("session")); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/konto#sitzungen", "accounts.account.session_ended")
}

func (h *HTTP) accountCreateToken(w http.ResponseWriter, r *http.Request) {
	if !h.parse(w, r) {
		return
	}
	days := 0
	if s := r.PostForm.Get("token_days"); s != "" {
		var err error
		if days, err = strconv.Atoi(s); err != nil {
			days = -1
		}
	}
	token, err := h.S.CreateToken(r.Context(), web.ActorFrom(r.Context()), r.PostForm.Get("token_name"), days)
	if err != nil {
		h.accountFailed(w, r, err, url.Values{"token_name": {r.PostForm.Get("token_name")}, "token_days": {r.PostForm.Get("token_days")}})
		return
	}
	// The token is shown on this response only.
	h.renderAccount(w, r, http.StatusOK, nil, func(d *accountData) { d.NewToken = token })
}

func (h *HTTP) accountRevokeToken(w http.ResponseWriter, r *http.Request) {
	if err := h.S.RevokeToken(r.Context(), web.ActorFrom(r.Context()), r.PathValue("id")); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/konto#tokens", "accounts.token.revoked")
}
