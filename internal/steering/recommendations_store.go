package steering

import (
	"context"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The SQL of recommendations.

const recCols = `r.id, r.tenant_id, r.theme_id, t.title, t.status, r.body_id, b.name, r.title, r.text, r.due_date, r.status,
	COALESCE(CAST(r.decision_meeting_id AS TEXT), ''), COALESCE(m.title, ''), COALESCE(mb.name, ''), COALESCE(CAST(m.body_id AS TEXT), ''),
	r.decided_on, r.feedback, r.created_by, r.created_at, r.updated_at, r.version`

const recFrom = ` FROM recommendations r
	JOIN themes t ON t.tenant_id = r.tenant_id AND t.id = r.theme_id
	JOIN bodies b ON b.tenant_id = r.tenant_id AND b.id = r.body_id
	LEFT JOIN meetings m ON m.tenant_id = r.tenant_id AND m.id = r.decision_meeting_id
	LEFT JOIN bodies mb ON mb.tenant_id = m.tenant_id AND mb.id = m.body_id`

// The sort keys of the recommendation list and their columns.
var recSorts = map[string]string{
	"updated": "r.updated_at",
	"title":   "lower(r.title)",
	"status": "CASE r.status WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'deferred' THEN 3 WHEN 'adopted' THEN 4 WHEN 'rejected' THEN 5 " +
		"WHEN 'in_implementation' THEN 6 WHEN 'implemented' THEN 7 ELSE 8 END",
	"due":   "CASE WHEN r.due_date = '' THEN '9999-12-31' ELSE r.due_date END",
	"theme": "lower(t.title)",
}

// recOverdueSQL is the condition of an overdue recommendation ($n is today).
func recOverdueSQL(today string) string {
	return "(r.due_date <> '' AND r.due_date < " + today + " AND r.status NOT IN ('implemented', 'evaluated', 'rejected'))"
}

func scanRecs(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Recommendation, error) {
	today := valid.Today(tx.Now)
	return loopRows(ctx, tx, func(sc loopScanner, r *Recommendation) error {
		err := sc.Scan(&r.ID, &r.TenantID, &r.ThemeID, &r.ThemeTitle, &r.ThemeStatus, &r.BodyID, &r.BodyName, &r.Title, &r.Text, &r.DueDate,
			&r.Status, &r.DecisionMeetingID, &r.DecisionMeeting, &r.DecisionBody, &r.DecisionBodyID, &r.DecidedOn, &r.Feedback, &r.CreatedBy,
			&r.CreatedAt, &r.UpdatedAt, &r.Version)
		r.Overdue = r.DueDate != "" && r.DueDate < today && !recDone(r.Status)
		return err
	}, "SELECT "+recCols+recFrom+" WHERE "+where, args...)
}

// recommendationsOf lists the recommendations of themes of one tenant.
func (s *Service) recommendationsOf(ctx context.Context, tx *db.Tx, tenantID string, themeIDs []string) ([]Recommendation, error) {
	if len(themeIDs) == 0 {
		return nil, nil
	}
	return scanRecs(ctx, tx, "r.tenant_id = $1 AND r.theme_id IN ("+db.Placeholders(2, len(themeIDs))+") ORDER BY r.created_at, r.id",
		loopArgs([]any{tenantID}, themeIDs)...)
}

// loadRec reads a recommendation of the actor's tenant and checks the action; forUpdate locks
// its row and checks the version (0 = any).
func (s *Service) loadRec(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string, version int, forUpdate bool) (*Recommendation, error) {
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	if forUpdate {
		var v int
		err := tx.QueryRowContext(ctx, "SELECT version FROM recommendations WHERE tenant_id = $1 AND id = $2"+tx.ForUpdate(), actor.TenantID, id).Scan(&v)
		if loopNoRows(err) {
			return nil, errs.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
	}
	list, err := scanRecs(ctx, tx, "r.tenant_id = $1 AND r.id = $2", actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.ErrNotFound
	}
	r := &list[0]
	if err := access.Can(actor, a, access.Resource{Kind: KindRecommendation, TenantID: r.TenantID}); err != nil {
		return nil, err
	}
	// A body member sees the recommendations of the own bodies' themes only (those drafted by
	// an own body belong to such a theme).
	if err := ownTheme(ctx, tx, actor, r.TenantID, r.ThemeID); err != nil {
		return nil, err
	}
	if version != 0 && version != r.Version {
		return nil, errs.E(errs.Conflict, "error.conflict")
	}
	return r, nil
}

// recDetails fills the organisations, indicators, offers and history of a recommendation.
func (s *Service) recDetails(ctx context.Context, tx *db.Tx, r *Recommendation) (err error) {
	if r.Organisations, err = loopRows(ctx, tx, func(sc loopScanner, c *Choice) error { return sc.Scan(&c.ID, &c.Label) },
		`SELECT o.id, o.name FROM recommendation_orgs ro JOIN organisations o ON o.tenant_id = ro.tenant_id AND o.id = ro.organisation_id
		WHERE ro.tenant_id = $1 AND ro.recommendation_id = $2 ORDER BY lower(o.name), o.id`, r.TenantID, r.ID); err != nil {
		return err
	}
	if r.Indicators, err = loopStrings(ctx, tx, `SELECT indicator_code FROM recommendation_indicators WHERE tenant_id = $1 AND recommendation_id = $2
		ORDER BY indicator_code`, r.TenantID, r.ID); err != nil {
		return err
	}
	offers, err := s.recOffers(ctx, tx, r.TenantID, []string{r.ID})
	if err != nil {
		return err
	}
	r.Offers = offers[r.ID]
	type row struct {
		RecEvent
		actorID string
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, e *row) error {
		return sc.Scan(&e.From, &e.To, &e.Meeting, &e.meetingBody, &e.Note, &e.actorID, &e.At)
	}, `SELECT e.from_status, e.to_status, COALESCE(m.title, ''), COALESCE(CAST(m.body_id AS TEXT), ''), e.note, e.actor_id, e.at
		FROM recommendation_events e
		LEFT JOIN meetings m ON m.tenant_id = e.tenant_id AND m.id = e.meeting_id
		WHERE e.tenant_id = $1 AND e.recommendation_id = $2 ORDER BY e.at, e.id`, r.TenantID, r.ID)
	if err != nil {
		return err
	}
	var actors []string
	for _, e := range rows {
		actors = append(actors, e.actorID)
	}
	names, err := loopUserNames(ctx, tx, r.TenantID, actors)
	r.Events = make([]RecEvent, len(rows))
	for i, e := range rows {
		r.Events[i] = e.RecEvent
		r.Events[i].Actor = names[e.actorID]
	}
	return err
}

// recEvent records a status change (from "" at creation; meetingID for a decision).
func recEvent(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID, recID, from, to, meetingID, note string) error {
	var meeting any
	if meetingID != "" {
		meeting = meetingID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO recommendation_events (tenant_id, id, recommendation_id, from_status, to_status, meeting_id, note,
		actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tenantID, ids.New(), recID, from, to, meeting, note, actor.UserID, tx.Now)
	return err
}

// writeRecLists replaces the organisations and indicator codes of a recommendation.
func writeRecLists(ctx context.Context, tx *db.Tx, tenantID, recID string, orgs, codes []string) error {
	for _, q := range []string{"DELETE FROM recommendation_orgs WHERE tenant_id = $1 AND recommendation_id = $2",
		"DELETE FROM recommendation_indicators WHERE tenant_id = $1 AND recommendation_id = $2"} {
		if _, err := tx.ExecContext(ctx, q, tenantID, recID); err != nil {
			return err
		}
	}
	for _, o := range orgs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO recommendation_orgs (tenant_id, recommendation_id, organisation_id) VALUES ($1, $2, $3)",
			tenantID, recID, o); err != nil {
			return err
		}
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO recommendation_indicators (tenant_id, recommendation_id, indicator_code) VALUES ($1, $2, $3)",
			tenantID, recID, c); err != nil {
			return err
		}
	}
	return nil
}

// DecisionMeeting is a meeting of a steering group that can record a decision: not cancelled
// and already begun (the rule of AddMeetingDecision), in the last decisionMonths months.
type DecisionMeeting struct {
	ID, Title, Body string
	Day             string // YYYY-MM-DD in Europe/Berlin
}

// decisionMonths is how far back a decision may be recorded.
const decisionMonths = 24

func decisionMeetings(ctx context.Context, tx *db.Tx, tenantID string) ([]DecisionMeeting, error) {
	type row struct {
		DecisionMeeting
		at time.Time
	}
	rows, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error {
		return sc.Scan(&r.ID, &r.Title, &r.Body, &r.at)
	}, `SELECT m.id, m.title, b.name, m.starts_at FROM meetings m JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id
		WHERE m.tenant_id = $1 AND m.status <> $2 AND m.starts_at <= $3 AND m.starts_at >= $4
		AND b.type IN (`+db.Placeholders(5, len(steeringBodyTypes))+`) ORDER BY m.starts_at DESC, m.id`,
		loopArgs([]any{tenantID, MeetingCancelled, tx.Now, tx.Now.AddDate(0, -decisionMonths, 0)}, steeringBodyTypes)...)
	out := make([]DecisionMeeting, len(rows))
	for i, r := range rows {
		out[i] = r.DecisionMeeting
		out[i].Day = r.at.In(valid.Berlin).Format(valid.DateLayout)
	}
	return out, err
}

// meetingSight tells which bodies' meetings the actor may see by title and agenda: none
// without the right to view meetings, the own bodies' for a body member, all for the others.
// Who may not see a meeting still sees the decisions about recommendations, without it.
func meetingSight(ctx context.Context, tx *db.Tx, actor access.Actor) (func(bodyID string) bool, error) {
	if !access.Allowed(actor, KindMeeting, access.View) {
		return func(string) bool { return false }, nil
	}
	if !membersOnly(actor) {
		return func(string) bool { return true }, nil
	}
	cond, args := ownBodies(actor, "b.id", 2)
	own, err := loopStrings(ctx, tx, "SELECT CAST(b.id AS TEXT) FROM bodies b WHERE b.tenant_id = $1 AND "+cond, append([]any{actor.TenantID}, args...)...)
	set := map[string]bool{}
	for _, id := range own {
		set[id] = true
	}
	return func(bodyID string) bool { return set[bodyID] }, err
}

// hideMeetings blanks the deciding meetings (title and body) of recommendations and their
// events that the actor may not see; the day of the decision stays.
func hideMeetings(ctx context.Context, tx *db.Tx, actor access.Actor, recs []Recommendation) error {
	sees, err := meetingSight(ctx, tx, actor)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if r.DecisionMeetingID != "" && !sees(r.DecisionBodyID) {
			r.DecisionMeeting, r.DecisionBody = "", ""
		}
		for j := range r.Events {
			if e := &r.Events[j]; e.Meeting != "" && !sees(e.meetingBody) {
				e.Meeting = ""
			}
		}
	}
	return nil
}

// mayDraft reports whether the actor may draft for the body: the coordination (who manages
// recommendations) for every body, a body member for the bodies they are a member or deputy of.
func mayDraft(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID, bodyID string) (bool, error) {
	if access.Allowed(actor, KindRecommendation, access.Manage) {
		return true, nil
	}
	return loopExists(ctx, tx, "SELECT 1 FROM bodies b WHERE b.tenant_id = $1 AND b.id = $2 AND "+memberOf("b.tenant_id", "b.id", "$3"),
		tenantID, bodyID, actor.UserID)
}
