package casework

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"kim/internal/platform/access"
	"kim/internal/platform/errs"
	"kim/internal/platform/web"
)

// absURL makes an absolute URL of path on the host the request came to.
func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || web.ClientFrom(r.Context()).HTTPS {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
}

func (h *HTTP) incomingList(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIncoming, access.List)
	if !ok {
		return
	}
	items, err := h.S.Incoming(r.Context(), actor)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "casework/incoming", web.View{Title: "casework.referral.incoming_title", Data: items})
}

type sharedData struct {
	*Shared
	Answers []web.Option
	Action  string
	Public  bool
	// CanTakeOver: staff of the receiving organisation may open their own case from it.
	CanTakeOver bool
}

func (h *HTTP) sharedPage(w http.ResponseWriter, r *http.Request, status int, sh *Shared, action string, public bool, f *web.Form) {
	if f == nil {
		f = web.NewForm(url.Values{"status": {"accepted"}})
	}
	f.Fields = web.Fields("status", "casework.referral.answer", "note", "casework.referral.answer_note")
	h.R.Render(w, r, status, "casework/shared", web.View{Title: "casework.referral.shared_title", TitleArgs: []any{"From", sh.From},
		Form: f, Public: public, Data: sharedData{Shared: sh, Answers: codeOptions("casework.referral_status.", ReferralAnswers), Action: action, Public: public,
			CanTakeOver: !public && sh.Answerable && slices.Contains(sh.Consent.Categories, "master_data") &&
				access.Allowed(web.ActorFrom(r.Context()), KindCase, access.Create)}})
}

func (h *HTTP) incomingView(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIncoming, access.View)
	if !ok {
		return
	}
	sh, err := h.S.IncomingReferral(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.sharedPage(w, r, http.StatusOK, sh, "/vermittlungen/"+sh.Referral.ID, false, nil)
}

func (h *HTTP) incomingAnswer(w http.ResponseWriter, r *http.Request) {
	actor, ok := h.check(w, r, KindIncoming, access.Update)
	if !ok {
		return
	}
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := AnswerInput{Status: r.PostForm.Get("status"), Note: r.PostForm.Get("note")}
	if err := h.S.AnswerIncoming(r.Context(), actor, r.PathValue("id"), in); err != nil {
		f := web.NewForm(r.PostForm).WithError(err)
		sh, serr := h.S.IncomingReferral(r.Context(), actor, r.PathValue("id"))
		if len(f.Errors) == 0 || serr != nil {
			h.R.Fail(w, r, err)
			return
		}
		h.sharedPage(w, r, http.StatusUnprocessableEntity, sh, "/vermittlungen/"+sh.Referral.ID, false, f)
		return
	}
	web.Redirect(w, r, "/vermittlungen/eingang", "casework.referral.answered")
}

// The partner pages answer without login through the link's secret token (the {id} of the
// route); they never show more than the consent covers, and nothing once the link is used,
// expired or the consent ended.
func (h *HTTP) partnerView(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	sh, err := h.S.SharedByLink(r.Context(), r.PathValue("id"))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.sharedPage(w, r, http.StatusOK, sh, "/partner/"+r.PathValue("id"), true, nil)
}

func (h *HTTP) partnerAnswer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := web.ParseForm(r); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	in := AnswerInput{Status: r.PostForm.Get("status"), Note: r.PostForm.Get("note")}
	err := h.S.AnswerByLink(r.Context(), r.PathValue("id"), in)
	var e *errs.Error
	if errors.As(err, &e) && e.Code == errs.Invalid {
		sh, serr := h.S.SharedByLink(r.Context(), r.PathValue("id"))
		if serr != nil {
			h.R.Fail(w, r, serr)
			return
		}
		h.sharedPage(w, r, http.StatusUnprocessableEntity, sh, "/partner/"+r.PathValue("id"), true, web.NewForm(r.PostForm).WithError(err))
		return
	}
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "casework/partner_done", web.View{Title: "casework.referral.answered", Public: true})
}

func (h *HTTP) takeOver(w http.ResponseWriter, r *http.Request) {
	h.postAction(w, r, KindIncoming, access.Update, "casework.transfer.taken_over", func(actor access.Actor) (string, error) {
		c, err := h.S.TakeOver(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			return "", err
		}
		return "/faelle/" + c.ID, nil
	})
}
