package steering

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// The decisions of a meeting: recorded on the meeting's page (or with a recommendation's
// decision), corrected and deleted by the coordination. Their numbers run from 1 without gaps.

// meetingDecisions lists the decisions of the tenant matching cond ($1 is the tenant) in the
// order of their numbers.
func meetingDecisions(ctx context.Context, tx *db.Tx, tenantID, cond string, args ...any) ([]MeetingDecision, error) {
	return loopRows(ctx, tx, func(row loopScanner, d *MeetingDecision) error {
		return row.Scan(&d.ID, &d.MeetingID, &d.Position, &d.Text, &d.ThemeID, &d.ThemeTitle, &d.RecommendationID, &d.RecommendationTitle, &d.CreatedAt)
	}, `SELECT CAST(d.id AS TEXT), CAST(d.meeting_id AS TEXT), d.position, d.text, COALESCE(CAST(d.theme_id AS TEXT), ''), COALESCE(t.title, ''),
		COALESCE(CAST(d.recommendation_id AS TEXT), ''), COALESCE(r.title, ''), d.created_at
		FROM meeting_decisions d LEFT JOIN themes t ON t.tenant_id = d.tenant_id AND t.id = d.theme_id
		LEFT JOIN recommendations r ON r.tenant_id = d.tenant_id AND r.id = d.recommendation_id
		WHERE d.tenant_id = $1 AND `+cond+` ORDER BY d.position, d.id`, append([]any{tenantID}, args...)...)
}

// decisionThemeValid reports whether a decision of meeting m may name the theme: one the
// meeting's body may name, or keep (the theme the decision names already).
func decisionThemeValid(ctx context.Context, tx *db.Tx, actor access.Actor, m *Meeting, themeID, keep string) (bool, error) {
	if themeID == "" || themeID == keep {
		return true, nil
	}
	b, err := loadBody(ctx, tx, actor, access.View, m.BodyID)
	if err != nil {
		return false, err
	}
	themes, err := meetingThemeOptions(ctx, tx, m.TenantID, b)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(themes, func(o web.Option) bool { return o.Value == themeID }), nil
}

// AddMeetingDecision records a decision taken in a meeting that has begun and was not
// cancelled; its theme is one the meeting's agenda may name.
func (s *Service) AddMeetingDecision(ctx context.Context, actor access.Actor, meetingID string, in MeetingDecisionInput) (*MeetingDecision, error) {
	if err := access.Guard(actor, KindMeeting, access.Update, meetingID, 0); err != nil {
		return nil, err
	}
	verr := in.Validate()
	var d *MeetingDecision
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		m, err := loadMeeting(ctx, tx, actor, access.Update, meetingID)
		if err != nil {
			return err
		}
		var v errs.Validation
		if e := errs.As(verr); e != nil && len(e.Fields) > 0 {
			v.Fields = e.Fields
		} else if verr != nil {
			return verr
		}
		switch {
		case m.Status == MeetingCancelled:
			v.Add("text", "steering.meeting.decision_cancelled")
		case m.StartsAt.After(tx.Now):
			v.Add("text", "steering.meeting.decision_future")
		}
		if ok, err := decisionThemeValid(ctx, tx, actor, m, in.ThemeID, ""); err != nil {
			return err
		} else if !ok {
			v.Add("theme_id", "steering.meeting.decision_theme_invalid")
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err := RecordMeetingDecision(ctx, tx, m.TenantID, m.ID, in.Text, in.ThemeID, "")
		if err != nil {
			return err
		}
		ds, err := meetingDecisions(ctx, tx, m.TenantID, "d.id = $2", id)
		if err != nil {
			return err
		}
		d = &ds[0]
		return s.loopAudit(ctx, tx, actor, "meeting.decision_add", "meeting", m.ID, map[string]string{"decision": id, "theme": in.ThemeID})
	})
	return d, err
}

// RecordMeetingDecision stores a decision of a meeting as its next one, in the caller's
// transaction (the caller has checked access and the references); themeID and
// recommendationID may be "". It returns the decision's id.
//
// The meeting's row is locked first, so that decisions recorded at the same time in the same
// meeting take consecutive numbers (the numbers are unique per meeting).
func RecordMeetingDecision(ctx context.Context, tx *db.Tx, tenantID, meetingID, text, themeID, recommendationID string) (string, error) {
	if err := lockMeeting(ctx, tx, tenantID, meetingID); err != nil {
		return "", err
	}
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT max(position) FROM meeting_decisions WHERE tenant_id = $1 AND meeting_id = $2",
		tenantID, meetingID).Scan(&last); err != nil {
		return "", err
	}
	id := ids.New()
	_, err := tx.ExecContext(ctx, `INSERT INTO meeting_decisions (tenant_id, id, meeting_id, position, text, theme_id, recommendation_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenantID, id, meetingID, last.Int64+1, text, bodyNullable(themeID), bodyNullable(recommendationID), tx.Now)
	return id, err
}

// lockMeeting locks a meeting's row until the end of the transaction (PostgreSQL; SQLite has
// one writer at a time). A meeting that does not exist is errs.ErrNotFound.
func lockMeeting(ctx context.Context, tx *db.Tx, tenantID, meetingID string) error {
	var id string
	err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM meetings WHERE tenant_id = $1 AND id = $2"+tx.ForUpdate(), tenantID, meetingID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.ErrNotFound
	}
	return err
}

// errLinkedDecision refuses to delete a decision recorded with a recommendation's decision.
var errLinkedDecision = errs.E(errs.Conflict, "steering.decision.linked")

// loadDecision returns a decision and its meeting, which the actor may act on with a.
func loadDecision(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*MeetingDecision, *Meeting, error) {
	ds, err := meetingDecisions(ctx, tx, actor.TenantID, "d.id = $2", id)
	if err != nil {
		return nil, nil, err
	}
	if len(ds) == 0 {
		return nil, nil, errs.ErrNotFound
	}
	m, err := loadMeeting(ctx, tx, actor, a, ds[0].MeetingID)
	if err != nil {
		return nil, nil, err
	}
	return &ds[0], m, nil
}

// DecisionEdit is a decision with its meeting and the themes it may name (its edit form, the
// confirmation of its deletion).
type DecisionEdit struct {
	Decision *MeetingDecision
	Meeting  *Meeting
	Themes   []web.Option
}

// GetMeetingDecision returns a decision for its correction or deletion.
func (s *Service) GetMeetingDecision(ctx context.Context, actor access.Actor, id string) (*DecisionEdit, error) {
	if err := access.Guard(actor, KindMeeting, access.Update, id, 0); err != nil {
		return nil, err
	}
	out := &DecisionEdit{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if out.Decision, out.Meeting, err = loadDecision(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		b, err := loadBody(ctx, tx, actor, access.View, out.Meeting.BodyID)
		if err != nil {
			return err
		}
		if out.Themes, err = meetingThemeOptions(ctx, tx, b.TenantID, b); err != nil {
			return err
		}
		if d := out.Decision; d.ThemeID != "" && !slices.ContainsFunc(out.Themes, func(o web.Option) bool { return o.Value == d.ThemeID }) {
			out.Themes = append(out.Themes, web.Option{Value: d.ThemeID, Label: d.ThemeTitle})
		}
		return nil
	})
	return out, err
}

// UpdateMeetingDecision corrects a decision's text and theme (the last save wins; the change
// is audited). A decision recorded with a recommendation keeps its theme.
func (s *Service) UpdateMeetingDecision(ctx context.Context, actor access.Actor, id string, in MeetingDecisionInput) (*MeetingDecision, error) {
	if err := access.Guard(actor, KindMeeting, access.Update, id, 0); err != nil {
		return nil, err
	}
	verr := in.Validate()
	var d *MeetingDecision
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		var m *Meeting
		if d, m, err = loadDecision(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if d.RecommendationID != "" {
			in.ThemeID = d.ThemeID
		}
		var v errs.Validation
		if e := errs.As(verr); e != nil && len(e.Fields) > 0 {
			v.Fields = e.Fields
		} else if verr != nil {
			return verr
		}
		if ok, err := decisionThemeValid(ctx, tx, actor, m, in.ThemeID, d.ThemeID); err != nil {
			return err
		} else if !ok {
			v.Add("theme_id", "steering.meeting.decision_theme_invalid")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meeting_decisions SET text = $3, theme_id = $4 WHERE tenant_id = $1 AND id = $2",
			m.TenantID, d.ID, in.Text, bodyNullable(in.ThemeID)); err != nil {
			return err
		}
		if d, m, err = loadDecision(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "meeting.decision_update", "meeting", m.ID, map[string]string{"decision": d.ID, "theme": in.ThemeID})
	})
	return d, err
}

// DeleteMeetingDecision deletes a decision recorded by mistake; the decisions after it move up
// a number. A decision recorded with a recommendation's decision stays: it goes with the
// recommendation's state (a conflict).
func (s *Service) DeleteMeetingDecision(ctx context.Context, actor access.Actor, id string) (*MeetingDecision, error) {
	if err := access.Guard(actor, KindMeeting, access.Update, id, 0); err != nil {
		return nil, err
	}
	var d *MeetingDecision
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		var m *Meeting
		if d, m, err = loadDecision(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if d.RecommendationID != "" {
			return errLinkedDecision
		}
		if err := lockMeeting(ctx, tx, m.TenantID, m.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM meeting_decisions WHERE tenant_id = $1 AND id = $2", m.TenantID, d.ID); err != nil {
			return err
		}
		// Close the gap in two steps, so that no two decisions share a number on the way (the
		// numbers are unique and both engines check each row as it changes).
		if _, err := tx.ExecContext(ctx, "UPDATE meeting_decisions SET position = -position WHERE tenant_id = $1 AND meeting_id = $2 AND position > $3",
			m.TenantID, m.ID, d.Position); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meeting_decisions SET position = -position - 1 WHERE tenant_id = $1 AND meeting_id = $2 AND position < 0",
			m.TenantID, m.ID); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "meeting.decision_delete", "meeting", m.ID, map[string]string{"decision": d.ID})
	})
	return d, err
}
