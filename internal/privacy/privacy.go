// Package privacy is the room of the data-protection officer: the search of the audit trail and
// the check of its hash chain. Later issues add access and erasure requests and retention
// rules here.
package privacy

import (
	"context"
	"embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

//go:embed templates/*.html locales/*.toml
var assets embed.FS

// Assets returns the room's page templates and messages.
func Assets() web.Assets { return web.RoomAssets("privacy", assets) }

// Service holds the use cases of the room.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
}

// Search returns a page of audit entries. Reading the trail is itself recorded.
func (s *Service) Search(ctx context.Context, actor access.Actor, f audit.Filter, q web.ListQuery) ([]audit.Found, int, error) {
	return s.search(ctx, actor, f, q, "audit.search")
}

// Export returns the entries for a download; the audit entry says so.
func (s *Service) Export(ctx context.Context, actor access.Actor, f audit.Filter, limit int) ([]audit.Found, error) {
	out, _, err := s.search(ctx, actor, f, web.ListQuery{Page: 1, Size: limit}, "audit.export")
	return out, err
}

func (s *Service) search(ctx context.Context, actor access.Actor, f audit.Filter, q web.ListQuery, action string) ([]audit.Found, int, error) {
	if err := access.Check(actor, access.KindAudit, access.List); err != nil {
		return nil, 0, err
	}
	var (
		out   []audit.Found
		total int
	)
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if out, total, err = audit.Search(ctx, tx, actor.TenantID, f, q.Size, q.Offset()); err != nil {
			return err
		}
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: action, ObjectType: "audit",
			Details: map[string]string{"page": strconv.Itoa(q.Page), "results": strconv.Itoa(len(out))}})
	})
	return out, total, err
}

// VerifyResult is the outcome of a chain check.
type VerifyResult struct {
	Entries int64
	Problem *audit.Problem
	At      time.Time
}

// Verify checks the actor's tenant's hash chain.
func (s *Service) Verify(ctx context.Context, actor access.Actor) (*VerifyResult, error) {
	if err := access.Check(actor, access.KindAudit, access.View); err != nil {
		return nil, err
	}
	p, n, err := s.Audit.Verify(ctx, s.DB, actor.TenantID)
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Entries: n, Problem: p, At: s.DB.Clock.Now()}
	outcome := "ok"
	if p != nil {
		outcome = "failed"
	}
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "audit.verify", ObjectType: "audit", Outcome: outcome})
	})
	return res, err
}

// exportLimit bounds one CSV export; narrow the period for more.
const exportLimit = 100000

// HTTP serves the room's pages and API.
type HTTP struct {
	S *Service
	R *web.Renderer
}

// Routes registers the room's routes.
func (h *HTTP) Routes(rt *web.Router) {
	rt.Handle("GET /protokoll", web.Staff, h.list)
	rt.Handle("GET /protokoll/export.csv", web.Staff, h.export)
	rt.Handle("GET /protokoll/pruefung", web.Staff, h.verify)
	rt.Handle("GET /api/v1/audit", web.Token, h.apiList)
}

// parseFilter reads the filter from the query. Dates are calendar days in Berlin time; without
// a start date the last 30 days are shown.
func parseFilter(r *http.Request, now time.Time) (audit.Filter, *web.Form, error) {
	v := r.URL.Query()
	form := web.NewForm(v)
	var f audit.Filter
	var val errs.Validation
	day := func(field string) time.Time {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", s, web.Berlin)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			val.Add(field, "validation.date")
			return time.Time{}
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if _, given := v["from"]; !given && f.From.IsZero() {
		f.From = now.In(web.Berlin).AddDate(0, 0, -30).Truncate(24 * time.Hour)
		form.Values.Set("from", f.From.Format("2006-01-02"))
	}
	if a := strings.TrimSpace(v.Get("actor")); a != "" {
		switch {
		case ids.Valid(a) || a == "system":
			f.ActorID = a
		case strings.Contains(a, "@") && len(a) <= 254:
			f.ActorEmail = strings.ToLower(a)
		default:
			val.Add("actor", "privacy.audit.actor_invalid")
		}
	}
	for _, g := range audit.ActionGroups {
		if v.Get("action") == g {
			f.Action = g
		}
	}
	if o := v.Get("object_id"); o != "" {
		if ids.Valid(o) {
			f.ObjectID = o
		} else {
			val.Add("object_id", "privacy.audit.object_invalid")
		}
	}
	switch v.Get("outcome") {
	case "ok", "failed":
		f.Outcome = v.Get("outcome")
	}
	return f, form, val.Err()
}

type listData struct {
	Items   []audit.Found
	Pager   web.Pager
	Actions []web.Option
}

func actionOptions() []web.Option {
	out := make([]web.Option, len(audit.ActionGroups))
	for i, g := range audit.ActionGroups {
		out[i] = web.Option{Value: g, Label: "privacy.group." + strings.TrimSuffix(g, "."), Translate: true}
	}
	return out
}

func (h *HTTP) list(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindAudit, access.List); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q := web.ParseList(r)
	f, form, err := parseFilter(r, h.S.DB.Clock.Now())
	form.Fields = web.Fields(
		"from", "privacy.audit.from",
		"to", "privacy.audit.to",
		"action", "privacy.audit.action",
		"actor", "privacy.audit.actor_id",
		"object_id", "privacy.audit.object",
		"outcome", "privacy.audit.outcome",
	)
	if err != nil {
		form.WithError(err)
		h.R.Render(w, r, http.StatusUnprocessableEntity, "privacy/audit", web.View{Title: "privacy.audit.title", Form: form,
			Data: listData{Pager: web.NewPager(q, 0, r), Actions: actionOptions()}})
		return
	}
	items, total, err := h.S.Search(r.Context(), actor, f, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "privacy/audit", web.View{Title: "privacy.audit.title", Form: form,
		Data: listData{Items: items, Pager: web.NewPager(q, total, r), Actions: actionOptions()}})
}

func (h *HTTP) export(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindAudit, access.List); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	f, _, err := parseFilter(r, h.S.DB.Clock.Now())
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	items, err := h.S.Export(r.Context(), actor, f, exportLimit)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	l := h.R.Localizer(r)
	rows := make([][]string, len(items))
	for i, e := range items {
		rows[i] = []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorName, e.ActorRole,
			e.Action, e.ObjectType, e.ObjectID, e.Purpose, e.Outcome, e.RequestID, e.Details, e.Hash}
	}
	web.CSV(w, "protokoll.csv", []string{l.T("privacy.audit.seq"), l.T("privacy.audit.at"), l.T("privacy.audit.actor_id"),
		l.T("privacy.audit.actor"), l.T("privacy.audit.role"), l.T("privacy.audit.action"), l.T("privacy.audit.object_type"),
		l.T("privacy.audit.object"), l.T("privacy.audit.purpose"), l.T("privacy.audit.outcome"), l.T("privacy.audit.request"),
		l.T("privacy.audit.details"), l.T("privacy.audit.hash")}, rows)
}

func (h *HTTP) verify(w http.ResponseWriter, r *http.Request) {
	res, err := h.S.Verify(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "privacy/verify", web.View{Title: "privacy.verify.title", Data: res})
}

// APIEntry is an audit entry in the API.
type APIEntry struct {
	Seq        int64     `json:"seq"`
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Purpose    string    `json:"purpose"`
	Outcome    string    `json:"outcome"`
	RequestID  string    `json:"request_id"`
	Details    string    `json:"details"`
	Hash       string    `json:"hash"`
}

func (h *HTTP) apiList(w http.ResponseWriter, r *http.Request) {
	actor := web.ActorFrom(r.Context())
	if err := access.Check(actor, access.KindAudit, access.List); err != nil {
		h.R.Fail(w, r, err)
		return
	}
	q := web.ParseList(r)
	f, _, err := parseFilter(r, h.S.DB.Clock.Now())
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	items, total, err := h.S.Search(r.Context(), actor, f, q)
	if err != nil {
		h.R.Fail(w, r, err)
		return
	}
	out := make([]APIEntry, len(items))
	for i, e := range items {
		out[i] = APIEntry{Seq: e.Seq, ID: e.ID, At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Purpose: e.Purpose, Outcome: e.Outcome, RequestID: e.RequestID,
			Details: e.Details, Hash: e.Hash}
	}
	web.JSON(w, http.StatusOK, web.NewListResponse(out, total, q))
}
