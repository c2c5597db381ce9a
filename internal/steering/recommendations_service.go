package steering

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// ListRecommendations returns a page of the tenant's recommendations.
func (s *Service) ListRecommendations(ctx context.Context, actor access.Actor, q web.ListQuery, f RecFilter) ([]Recommendation, int, error) {
	if err := access.Check(actor, KindRecommendation, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindRecommendation, access.List, "r", 1)
	where, args := []string{scope.SQL}, scope.Args
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if slices.Contains(RecStatuses, f.Status) {
		where = append(where, "r.status = "+arg(f.Status))
	}
	if ids.Valid(f.ThemeID) {
		where = append(where, "r.theme_id = "+arg(f.ThemeID))
	}
	if ids.Valid(f.BodyID) {
		where = append(where, "r.body_id = "+arg(f.BodyID))
	}
	if q.Q != "" {
		where = append(where, "lower(r.title) LIKE "+arg(db.Like(q.Q))+` ESCAPE '\'`)
	}
	// A body member sees the recommendations of the own bodies' themes (membership.go).
	own, ownArgs := ownThemes(actor, "r.theme_id", len(args)+1)
	where, args = append(where, own), append(args, ownArgs...)
	var out []Recommendation
	var total int
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if f.Overdue {
			where = append(where, recOverdueSQL(arg(valid.Today(tx.Now))))
		}
		cond := strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*)"+recFrom+" WHERE "+cond, args...).Scan(&total); err != nil {
			return err
		}
		if out, err = scanRecs(ctx, tx, cond+" ORDER BY "+q.OrderBy(recSorts, "r.id")+" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...); err != nil {
			return err
		}
		return hideMeetings(ctx, tx, actor, out)
	})
	return out, total, err
}

// RecView is a recommendation's page: the recommendation with its details, the steps the actor
// may take and what the forms offer.
type RecView struct {
	Rec *Recommendation
	// Steps the actor may take now; Meetings that may record a decision (when a step needs one).
	Steps    []RecStep
	Meetings []DecisionMeeting
	// MayEdit: the actor may change the text now; MayManage: record decisions, feedback, offers.
	MayEdit, MayManage bool
	// ThemeClosed: the theme is closed, the recommendation can neither change nor move on.
	ThemeClosed bool
}

// GetRecommendation returns a recommendation's page.
func (s *Service) GetRecommendation(ctx context.Context, actor access.Actor, id string) (*RecView, error) {
	if err := access.Guard(actor, KindRecommendation, access.View, id, 0); err != nil {
		return nil, err
	}
	var v RecView
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if v.Rec, err = s.loadRec(ctx, tx, actor, access.View, id, 0, false); err != nil {
			return err
		}
		if err := s.recDetails(ctx, tx, v.Rec); err != nil {
			return err
		}
		one := []Recommendation{*v.Rec}
		if err := hideMeetings(ctx, tx, actor, one); err != nil {
			return err
		}
		*v.Rec = one[0]
		v.ThemeClosed = !v.Rec.ThemeOpen()
		drafter := false
		if access.Allowed(actor, KindRecommendation, access.Update) {
			if drafter, err = mayDraft(ctx, tx, actor, v.Rec.TenantID, v.Rec.BodyID); err != nil {
				return err
			}
		}
		v.MayManage = access.Allowed(actor, KindRecommendation, access.Manage)
		v.MayEdit = drafter && v.Rec.Editable() && !v.ThemeClosed
		decision := false
		for _, st := range RecNext(v.Rec.Status) {
			if v.ThemeClosed {
				break
			}
			if (st.Action == access.Update && drafter) || (st.Action == access.Manage && v.MayManage) {
				v.Steps = append(v.Steps, st)
				decision = decision || st.Decision
			}
		}
		if decision {
			v.Meetings, err = decisionMeetings(ctx, tx, v.Rec.TenantID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// checkRecInput validates a draft against the tenant: the body is active and the actor may
// draft for it, the organisations belong to the tenant.
func (s *Service) checkRecInput(ctx context.Context, tx *db.Tx, actor access.Actor, in *RecInput, keepDue string) error {
	err := in.Validate(valid.Today(tx.Now), keepDue)
	if kerr := s.knownIndicators(in.Codes); kerr != nil {
		// The codes are checked against the monitoring's catalogue too: one answer names both.
		if e := errs.As(err); err != nil && e.Code == errs.Invalid && len(e.Fields) > 0 {
			if _, ok := e.Fields["indicator_codes"]; !ok {
				e.Fields["indicator_codes"] = errs.As(kerr).Fields["indicator_codes"]
			}
			return e
		}
		if err == nil {
			return kerr
		}
	}
	if err != nil {
		return err
	}
	var v errs.Validation
	ok, err := loopExists(ctx, tx, "SELECT 1 FROM bodies WHERE tenant_id = $1 AND id = $2 AND active", actor.TenantID, in.BodyID)
	if err != nil {
		return err
	}
	if !ok {
		v.Add("body_id", "validation.choice")
	} else if ok, err = mayDraft(ctx, tx, actor, actor.TenantID, in.BodyID); err != nil {
		return err
	} else if !ok {
		v.Add("body_id", "steering.rec.not_member")
	}
	if len(in.OrganisationIDs) > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM organisations WHERE tenant_id = $1 AND id IN ("+db.Placeholders(2, len(in.OrganisationIDs))+")",
			loopArgs([]any{actor.TenantID}, in.OrganisationIDs)...).Scan(&n); err != nil {
			return err
		}
		if n != len(in.OrganisationIDs) {
			v.Add("organisation_ids", "validation.choice")
		}
	}
	return v.Err()
}

// CreateRecommendation drafts a recommendation for an open theme and returns its id.
func (s *Service) CreateRecommendation(ctx context.Context, actor access.Actor, themeID string, in RecInput) (string, error) {
	if err := access.Check(actor, KindRecommendation, access.Create); err != nil {
		return "", err
	}
	id := ids.New()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var v errs.Validation
		var t *Theme
		if themeID == "" {
			v.Add("theme_id", "validation.required")
		} else if th, err := s.loadTheme(ctx, tx, actor, access.View, themeID, 0, false); errs.CodeOf(err) == errs.NotFound {
			v.Add("theme_id", "validation.choice")
		} else if err != nil {
			return err
		} else if !th.Open() {
			v.Add("theme_id", "steering.rec.theme_closed")
		} else {
			t = th
		}
		if err := s.checkRecInput(ctx, tx, actor, &in, ""); err != nil {
			return mergeErrors(v, err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recommendations (tenant_id, id, theme_id, body_id, title, text, due_date, status, created_by,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			t.TenantID, id, t.ID, in.BodyID, in.Title, in.Text, in.DueDate, RecDraft, actor.UserID, tx.Now); err != nil {
			return err
		}
		if err := writeRecLists(ctx, tx, t.TenantID, id, in.OrganisationIDs, in.Codes); err != nil {
			return err
		}
		if err := recEvent(ctx, tx, actor, t.TenantID, id, "", RecDraft, "", ""); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "recommendation.create", "recommendation", id, map[string]string{"theme": t.ID, "body": in.BodyID})
	})
	return id, err
}

// UpdateRecommendation changes a draft or deferred recommendation.
func (s *Service) UpdateRecommendation(ctx context.Context, actor access.Actor, id string, version int, in RecInput) error {
	if err := access.Guard(actor, KindRecommendation, access.Update, id, version); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := s.loadRec(ctx, tx, actor, access.Update, id, version, true)
		if err != nil {
			return err
		}
		if ok, err := mayDraft(ctx, tx, actor, r.TenantID, r.BodyID); err != nil {
			return err
		} else if !ok {
			return errs.ErrForbidden
		}
		if !r.ThemeOpen() {
			return errs.E(errs.Conflict, "steering.rec.theme_closed")
		}
		if !r.Editable() {
			return errs.E(errs.Conflict, "steering.rec.not_editable")
		}
		if err := s.checkRecInput(ctx, tx, actor, &in, r.DueDate); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recommendations SET body_id = $1, title = $2, text = $3, due_date = $4, updated_at = $5,
			version = version + 1 WHERE tenant_id = $6 AND id = $7`, in.BodyID, in.Title, in.Text, in.DueDate, tx.Now, r.TenantID, r.ID); err != nil {
			return err
		}
		if err := writeRecLists(ctx, tx, r.TenantID, r.ID, in.OrganisationIDs, in.Codes); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "recommendation.update", "recommendation", r.ID, map[string]string{"body": in.BodyID})
	})
}

// MoveRecommendation takes a status step. Submitting is the drafters' (Update); decisions,
// implementation and evaluation are the coordination's (Manage). A decision names the deciding
// meeting of the steering group: the recommendation records it and the day, the meeting gets a
// decision, and an adoption moves the theme on to "recommendation adopted".
func (s *Service) MoveRecommendation(ctx context.Context, actor access.Actor, id string, version int, m RecMove) error {
	if err := access.Guard(actor, KindRecommendation, access.Update, id, version); err != nil {
		return err
	}
	m.Note, m.Feedback = valid.CleanText(m.Note), valid.CleanText(m.Feedback)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := s.loadRec(ctx, tx, actor, access.View, id, version, true)
		if err != nil {
			return err
		}
		if !r.ThemeOpen() {
			return errs.E(errs.Conflict, "steering.rec.theme_closed")
		}
		var v errs.Validation
		step, ok := recStep(r.Status, m.To)
		switch {
		case m.To == "":
			v.Add("status", "validation.required")
		case !slices.Contains(RecStatuses, m.To):
			v.Add("status", "validation.choice")
		case !ok:
			v.Add("status", "steering.rec.step_refused")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := access.Can(actor, step.Action, access.Resource{Kind: KindRecommendation, TenantID: r.TenantID}); err != nil {
			return err
		}
		if step.Action == access.Update {
			if ok, err := mayDraft(ctx, tx, actor, r.TenantID, r.BodyID); err != nil {
				return err
			} else if !ok {
				return errs.ErrForbidden
			}
		}
		valid.Length(&v, "note", m.Note, themeNoteMax)
		valid.Length(&v, "feedback", m.Feedback, recFeedbackMax)
		var meeting *DecisionMeeting
		if step.Decision {
			meetings, err := decisionMeetings(ctx, tx, r.TenantID)
			if err != nil {
				return err
			}
			for i := range meetings {
				if meetings[i].ID == m.MeetingID {
					meeting = &meetings[i]
				}
			}
			switch {
			case len(meetings) == 0:
				// The page shows no choice of meeting then, only this message: it goes with the step.
				v.Add("status", "steering.rec.no_meetings")
			case m.MeetingID == "":
				v.Add("meeting_id", "steering.rec.meeting_required")
			case meeting == nil:
				v.Add("meeting_id", "validation.choice")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE recommendations SET status = $1, updated_at = $2, version = version + 1 WHERE tenant_id = $3 AND id = $4",
			m.To, tx.Now, r.TenantID, r.ID); err != nil {
			return err
		}
		// Submitted again after a deferral, it waits for a new decision: the deferral stays in
		// the history (events, the meeting's decisions), not on the recommendation.
		if r.Status == RecDeferred && m.To == RecSubmitted {
			if _, err := tx.ExecContext(ctx, "UPDATE recommendations SET decision_meeting_id = NULL, decided_on = '' WHERE tenant_id = $1 AND id = $2",
				r.TenantID, r.ID); err != nil {
				return err
			}
		}
		if m.Feedback != "" && (m.To == RecAdopted || m.To == RecRejected) {
			if _, err := tx.ExecContext(ctx, "UPDATE recommendations SET feedback = $1 WHERE tenant_id = $2 AND id = $3", m.Feedback, r.TenantID, r.ID); err != nil {
				return err
			}
		}
		meetingID := ""
		if meeting != nil {
			meetingID = meeting.ID
			if err := s.recordDecision(ctx, tx, r, m.To, meeting); err != nil {
				return err
			}
		}
		if err := recEvent(ctx, tx, actor, r.TenantID, r.ID, r.Status, m.To, meetingID, m.Note); err != nil {
			return err
		}
		if m.To == RecAdopted {
			t, err := s.loadTheme(ctx, tx, actor, access.View, r.ThemeID, 0, true)
			if err != nil {
				return err
			}
			if t.Open() && themeRank(t.Status) < themeRank(ThemeAdopted) {
				if err := setThemeStatus(ctx, tx, actor, t, ThemeAdopted, r.Title); err != nil {
					return err
				}
			}
		}
		return s.loopAudit(ctx, tx, actor, "recommendation.status", "recommendation", r.ID, map[string]string{"from": r.Status, "to": m.To, "meeting": meetingID})
	})
}

// decisionTexts are the decisions as the minutes record them (stored in German, the language of
// the minutes).
var decisionTexts = map[string]string{
	RecAdopted:  "Handlungsempfehlung „%s“ beschlossen",
	RecRejected: "Handlungsempfehlung „%s“ abgelehnt",
	RecDeferred: "Handlungsempfehlung „%s“ zurückgestellt",
}

// recordDecision stores the decision with the recommendation and as the next decision of the
// meeting (through the meetings' RecordMeetingDecision).
func (s *Service) recordDecision(ctx context.Context, tx *db.Tx, r *Recommendation, to string, m *DecisionMeeting) error {
	if _, err := tx.ExecContext(ctx, "UPDATE recommendations SET decision_meeting_id = $1, decided_on = $2 WHERE tenant_id = $3 AND id = $4",
		m.ID, m.Day, r.TenantID, r.ID); err != nil {
		return err
	}
	_, err := RecordMeetingDecision(ctx, tx, r.TenantID, m.ID, strings.Replace(decisionTexts[to], "%s", r.Title, 1), r.ThemeID, r.ID)
	return err
}

// SetFeedback sets what case managers learn about a decided recommendation (the news page).
func (s *Service) SetFeedback(ctx context.Context, actor access.Actor, id string, version int, feedback string) error {
	if err := access.Guard(actor, KindRecommendation, access.Manage, id, version); err != nil {
		return err
	}
	feedback = valid.CleanText(feedback)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		r, err := s.loadRec(ctx, tx, actor, access.Manage, id, version, true)
		if err != nil {
			return err
		}
		if !r.InForce() && r.Status != RecRejected {
			return errs.E(errs.Conflict, "steering.rec.feedback_undecided")
		}
		var v errs.Validation
		valid.Length(&v, "feedback", feedback, recFeedbackMax)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE recommendations SET feedback = $1, updated_at = $2, version = version + 1 WHERE tenant_id = $3 AND id = $4",
			feedback, tx.Now, r.TenantID, r.ID); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "recommendation.feedback", "recommendation", r.ID, nil)
	})
}

// RecFormOptions are the choices of the recommendation form.
type RecFormOptions struct {
	Themes        []Choice
	Bodies        []Choice
	Organisations []Choice
	// MoreOrganisations: the tenant has more organisations than the form lists.
	MoreOrganisations bool
}

// recOrgChoicesMax is how many organisations the form lists as checkboxes at most (those
// already chosen always).
const recOrgChoicesMax = 200

// RecommendationForm returns the choices of the form: the open themes the actor sees, the bodies
// the actor may draft for, the tenant's organisations (the first recOrgChoicesMax by name, and
// the chosen ones).
func (s *Service) RecommendationForm(ctx context.Context, actor access.Actor, chosen []string) (*RecFormOptions, error) {
	if err := access.Check(actor, KindRecommendation, access.Create); err != nil {
		return nil, err
	}
	var o RecFormOptions
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if o.Themes, err = themeChoices(ctx, tx, actor, false); err != nil {
			return err
		}
		if o.Bodies, err = bodyChoices(ctx, tx, actor, !access.Allowed(actor, KindRecommendation, access.Manage)); err != nil {
			return err
		}
		scan := func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label) }
		if o.Organisations, err = loopRows(ctx, tx, scan, "SELECT id, name FROM organisations WHERE tenant_id = $1 ORDER BY lower(name), id LIMIT "+
			strconv.Itoa(recOrgChoicesMax+1), actor.TenantID); err != nil {
			return err
		}
		if o.MoreOrganisations = len(o.Organisations) > recOrgChoicesMax; o.MoreOrganisations {
			o.Organisations = o.Organisations[:recOrgChoicesMax]
		}
		var missing []string
		listed := map[string]bool{}
		for _, c := range o.Organisations {
			listed[c.ID] = true
		}
		for _, id := range chosen {
			if ids.Valid(id) && !listed[id] && len(missing) < recMaxOrgs {
				listed[id] = true
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			more, err := loopRows(ctx, tx, scan, "SELECT id, name FROM organisations WHERE tenant_id = $1 AND id IN ("+db.Placeholders(2, len(missing))+
				") ORDER BY lower(name), id", loopArgs([]any{actor.TenantID}, missing)...)
			if err != nil {
				return err
			}
			o.Organisations = append(o.Organisations, more...)
		}
		return nil
	})
	return &o, err
}
