package steering

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

const meetingCols = `mt.id, mt.tenant_id, mt.body_id, b.name, b.type, mt.title, mt.starts_at, mt.ends_at, mt.place, mt.status, mt.minutes,
	mt.created_at, mt.updated_at, mt.version, b.active, b.updated_at, b.version`

const meetingFrom = ` FROM meetings mt JOIN bodies b ON b.tenant_id = mt.tenant_id AND b.id = mt.body_id`

func scanMeeting(row loopScanner, m *Meeting) error {
	return row.Scan(&m.ID, &m.TenantID, &m.BodyID, &m.BodyName, &m.BodyType, &m.Title, &m.StartsAt, &m.EndsAt, &m.Place, &m.Status,
		&m.Minutes, &m.CreatedAt, &m.UpdatedAt, &m.Version, &m.BodyActive, &m.BodyUpdatedAt, &m.BodyVersion)
}

// loadMeeting returns a meeting of the actor's tenant the actor may act on with a; a body
// member reaches the meetings of the own bodies only (another is not found).
func loadMeeting(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Meeting, error) {
	m := &Meeting{}
	own, args := ownBodies(actor, "mt.body_id", 3)
	err := scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingCols+meetingFrom+" WHERE mt.tenant_id = $1 AND mt.id = $2 AND "+own,
		append([]any{actor.TenantID, id}, args...)...), m)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return m, access.Can(actor, a, access.Resource{Kind: KindMeeting, TenantID: m.TenantID})
}

// ListMeetings lists the meetings of the bodies of the actor's tenant (a body member's own
// bodies).
func (s *Service) ListMeetings(ctx context.Context, actor access.Actor, q web.ListQuery, f MeetingFilter) ([]Meeting, int, error) {
	if err := access.Check(actor, KindMeeting, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindMeeting, access.List, "mt", 1)
	own, oargs := ownBodies(actor, "mt.body_id", len(scope.Args)+1)
	where, args := scope.SQL+" AND "+own, append(scope.Args, oargs...)
	if ids.Valid(f.BodyID) {
		args = append(args, f.BodyID)
		where += " AND mt.body_id = $" + strconv.Itoa(len(args))
	}
	var (
		out   []Meeting
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		switch f.When {
		case "upcoming":
			args = append(args, tx.Now.UTC())
			where += " AND mt.ends_at >= $" + strconv.Itoa(len(args))
		case "past":
			args = append(args, tx.Now.UTC())
			where += " AND mt.ends_at < $" + strconv.Itoa(len(args))
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM meetings mt WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		order := q.OrderBy(map[string]string{"date": "mt.starts_at", "body": "b.name", "title": "mt.title"}, "mt.id")
		out, err = loopRows(ctx, tx, scanMeeting, "SELECT "+meetingCols+meetingFrom+" WHERE "+where+" ORDER BY "+order+
			" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		return err
	})
	return out, total, err
}

// GetMeeting returns a meeting with its agenda, attendance and decisions; every read is
// audited (the attendance names persons).
func (s *Service) GetMeeting(ctx context.Context, actor access.Actor, id string) (*Meeting, error) {
	return s.meetingRead(ctx, actor, id, "meeting.view")
}

// meetingRead loads a meeting with its details for a reader and records action in the audit
// trail ("" for none).
func (s *Service) meetingRead(ctx context.Context, actor access.Actor, id, action string) (*Meeting, error) {
	if err := access.Guard(actor, KindMeeting, access.View, id, 0); err != nil {
		return nil, err
	}
	var m *Meeting
	run := s.DB.Read
	if action != "" {
		run = s.DB.Write
	}
	err := run(ctx, func(tx *db.Tx) (err error) {
		if m, err = loadMeeting(ctx, tx, actor, access.View, id); err != nil {
			return err
		}
		if err := meetingDetails(ctx, tx, m); err != nil {
			return err
		}
		if action == "" {
			return nil
		}
		return s.loopAudit(ctx, tx, actor, action, "meeting", m.ID, nil)
	})
	return m, err
}

// meetingDetails fills the agenda, the attendance and the decisions of a meeting.
func meetingDetails(ctx context.Context, tx *db.Tx, m *Meeting) (err error) {
	if m.Agenda, err = loopRows(ctx, tx, func(row loopScanner, a *MeetingAgendaItem) error {
		return row.Scan(&a.Position, &a.Title, &a.ThemeID, &a.ThemeTitle)
	}, `SELECT a.position, a.title, COALESCE(CAST(a.theme_id AS TEXT), ''), COALESCE(t.title, '') FROM meeting_agenda a
		LEFT JOIN themes t ON t.tenant_id = a.tenant_id AND t.id = a.theme_id
		WHERE a.tenant_id = $1 AND a.meeting_id = $2 ORDER BY a.position`, m.TenantID, m.ID); err != nil {
		return err
	}
	if m.Attendance, err = meetingMembers(ctx, tx, m); err != nil {
		return err
	}
	m.Decisions, err = meetingDecisions(ctx, tx, m.TenantID, "d.meeting_id = $2", m.ID)
	return err
}

// meetingMembers returns the members of the meeting's body on the meeting's day — those who
// belonged to it from that day or earlier (since) and had not left before the meeting began —
// and every member whose attendance was recorded, each with that attendance.
func meetingMembers(ctx context.Context, tx *db.Tx, m *Meeting) ([]BodyMember, error) {
	ms, err := bodyMembers(ctx, tx, m.TenantID, `m.body_id = $2 AND (EXISTS (SELECT 1 FROM meeting_attendance x
		WHERE x.tenant_id = m.tenant_id AND x.member_id = m.id AND x.meeting_id = $3)
		OR (m.since <= $4 AND (m.removed_at IS NULL OR m.removed_at > $5)))`,
		m.BodyID, m.ID, m.StartsAt.In(valid.Berlin).Format(valid.DateLayout), m.StartsAt.UTC())
	if err != nil {
		return nil, err
	}
	type att struct{ member, status string }
	rows, err := loopRows(ctx, tx, func(row loopScanner, a *att) error { return row.Scan(&a.member, &a.status) },
		"SELECT CAST(member_id AS TEXT), status FROM meeting_attendance WHERE tenant_id = $1 AND meeting_id = $2", m.TenantID, m.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		for i := range ms {
			if ms[i].ID == a.member {
				ms[i].AttendanceStatus = a.status
			}
		}
	}
	return ms, nil
}

// MeetingThemes returns the themes the agenda and decisions of a body's meetings may name: the
// themes assigned to the body; a steering or coordination group may name every theme of the
// tenant. A body out of reach is errs.ErrNotFound.
func (s *Service) MeetingThemes(ctx context.Context, actor access.Actor, bodyID string) ([]web.Option, error) {
	if err := access.Guard(actor, KindMeeting, access.View, bodyID, 0); err != nil {
		return nil, err
	}
	var out []web.Option
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		b, err := loadBody(ctx, tx, actor, access.View, bodyID)
		if err != nil {
			return err
		}
		out, err = meetingThemeOptions(ctx, tx, actor.TenantID, b)
		return err
	})
	return out, err
}

// MeetingPlan is what the form of a new meeting offers: the active bodies to choose from and,
// once a body is chosen, the body and the themes its agenda may name.
type MeetingPlan struct {
	Bodies []web.Option
	Body   *Body // nil until a body is chosen
	Themes []web.Option
}

// PlanMeeting returns the choices of the form of a new meeting for the body bodyID ("" before
// one is chosen). A body out of reach is errs.ErrNotFound (the plan still holds the bodies to
// choose from). Nothing is audited: the body's members are not read.
func (s *Service) PlanMeeting(ctx context.Context, actor access.Actor, bodyID string) (*MeetingPlan, error) {
	if err := access.Check(actor, KindMeeting, access.Create); err != nil {
		return nil, err
	}
	p := &MeetingPlan{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if p.Bodies, err = bodyOptions(ctx, tx, actor, true); err != nil || bodyID == "" {
			return err
		}
		if !ids.Valid(bodyID) {
			return errs.ErrNotFound
		}
		if p.Body, err = loadBody(ctx, tx, actor, access.View, bodyID); err != nil {
			return err
		}
		p.Themes, err = meetingThemeOptions(ctx, tx, actor.TenantID, p.Body)
		return err
	})
	return p, err
}

func meetingThemeOptions(ctx context.Context, tx *db.Tx, tenantID string, b *Body) ([]web.Option, error) {
	q := "SELECT CAST(t.id AS TEXT), t.title FROM themes t WHERE t.tenant_id = $1"
	args := []any{tenantID}
	if b != nil && b.Type != BodySteeringGroup && b.Type != BodyCoordinationGroup {
		q += " AND EXISTS (SELECT 1 FROM theme_bodies tb WHERE tb.tenant_id = t.tenant_id AND tb.theme_id = t.id AND tb.body_id = $2)"
		args = append(args, b.ID)
	}
	return loopRows(ctx, tx, func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) }, q+" ORDER BY t.title, t.id", args...)
}

// meetingRefs checks the references of a meeting's input: the agenda's themes are themes the
// body's meetings may name (an item without a title takes its theme's), and the attendance
// names members of the body on the meeting's day (or ones already recorded for the meeting
// m). Messages of the input's own validation (verr) come first.
func meetingRefs(ctx context.Context, tx *db.Tx, b *Body, m *Meeting, in *MeetingInput, verr error) error {
	var v errs.Validation
	if e := errs.As(verr); e != nil && len(e.Fields) > 0 {
		v.Fields = e.Fields
	} else if verr != nil {
		return verr
	}
	themes, err := meetingThemeOptions(ctx, tx, b.TenantID, b)
	if err != nil {
		return err
	}
	if m != nil {
		// A theme the agenda names already stays allowed, even if it was taken from the body
		// since.
		kept, err := loopRows(ctx, tx, func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) },
			`SELECT CAST(a.theme_id AS TEXT), t.title FROM meeting_agenda a JOIN themes t ON t.tenant_id = a.tenant_id AND t.id = a.theme_id
			WHERE a.tenant_id = $1 AND a.meeting_id = $2`, m.TenantID, m.ID)
		if err != nil {
			return err
		}
		themes = append(themes, kept...)
	}
	for i := range in.Agenda {
		a := &in.Agenda[i]
		if a.ThemeID == "" {
			continue
		}
		k := slices.IndexFunc(themes, func(o web.Option) bool { return o.Value == a.ThemeID })
		if k < 0 {
			v.Add("agenda", "steering.meeting.agenda_theme_invalid", "Position", i+1)
			continue
		}
		if a.Title == "" {
			a.Title = themes[k].Label
		}
	}
	if len(in.Attendance) > 0 && m != nil {
		members, err := meetingMembers(ctx, tx, m)
		if err != nil {
			return err
		}
		for id := range in.Attendance {
			if !slices.ContainsFunc(members, func(x BodyMember) bool { return x.ID == id }) {
				v.Add("attendance", "steering.meeting.attendance_member")
				break
			}
		}
	}
	return v.Err()
}

// CreateMeeting plans a meeting of a body that is active.
func (s *Service) CreateMeeting(ctx context.Context, actor access.Actor, in MeetingInput) (*Meeting, error) {
	if err := access.Check(actor, KindMeeting, access.Create); err != nil {
		return nil, err
	}
	verr := in.Validate(s.DB.Clock.Now(), false)
	var m *Meeting
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var b *Body
		if ids.Valid(in.BodyID) {
			var err error
			if b, err = loadBody(ctx, tx, actor, access.View, in.BodyID); err != nil && !errors.Is(err, errs.ErrNotFound) {
				return err
			}
		}
		msg := ""
		switch {
		case b == nil && in.BodyID == "":
			msg = "validation.required"
		case b == nil:
			msg = "validation.not_found"
		case !b.Active:
			msg = "steering.meeting.body_inactive"
		}
		if msg != "" {
			e := errs.As(verr)
			if e == nil || len(e.Fields) == 0 {
				return bodyFail("body_id", msg)
			}
			e.Fields["body_id"] = errs.Msg(msg)
			return e
		}
		if err := meetingRefs(ctx, tx, b, nil, &in, verr); err != nil {
			return err
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO meetings (tenant_id, id, body_id, title, starts_at, ends_at, place, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`, b.TenantID, id, b.ID, in.Title, in.StartsAt, in.EndsAt, in.Place, MeetingPlanned,
			actor.UserID, tx.Now); err != nil {
			return err
		}
		if err := saveAgenda(ctx, tx, b.TenantID, id, in.Agenda); err != nil {
			return err
		}
		var err error
		if m, err = loadMeeting(ctx, tx, actor, access.Create, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "meeting.create", "meeting", id, map[string]string{"body": b.ID})
	})
	return m, err
}

func saveAgenda(ctx context.Context, tx *db.Tx, tenantID, meetingID string, items []MeetingAgendaInput) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM meeting_agenda WHERE tenant_id = $1 AND meeting_id = $2", tenantID, meetingID); err != nil {
		return err
	}
	for i, a := range items {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meeting_agenda (tenant_id, meeting_id, position, title, theme_id) VALUES ($1, $2, $3, $4, $5)",
			tenantID, meetingID, i+1, a.Title, bodyNullable(a.ThemeID)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateMeeting changes a meeting: title, time, place, agenda, status, attendance and minutes.
// Attendance not named in the input is removed.
func (s *Service) UpdateMeeting(ctx context.Context, actor access.Actor, id string, in MeetingInput) (*Meeting, error) {
	if err := access.Guard(actor, KindMeeting, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	verr := in.Validate(s.DB.Clock.Now(), true)
	var m *Meeting
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if m, err = loadMeeting(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		b, err := loadBody(ctx, tx, actor, access.View, m.BodyID)
		if err != nil {
			return err
		}
		if err := meetingRefs(ctx, tx, b, m, &in, verr); err != nil {
			return err
		}
		if in.Version != m.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		res, err := tx.ExecContext(ctx, `UPDATE meetings SET title = $3, starts_at = $4, ends_at = $5, place = $6, status = $7, minutes = $8,
			updated_at = $9, version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $10`,
			m.TenantID, m.ID, in.Title, in.StartsAt, in.EndsAt, in.Place, in.Status, in.Minutes, tx.Now, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		if err := saveAgenda(ctx, tx, m.TenantID, m.ID, in.Agenda); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM meeting_attendance WHERE tenant_id = $1 AND meeting_id = $2", m.TenantID, m.ID); err != nil {
			return err
		}
		members := make([]string, 0, len(in.Attendance))
		for member := range in.Attendance {
			members = append(members, member)
		}
		slices.Sort(members)
		for _, member := range members {
			if _, err := tx.ExecContext(ctx, "INSERT INTO meeting_attendance (tenant_id, meeting_id, member_id, status) VALUES ($1, $2, $3, $4)",
				m.TenantID, m.ID, member, in.Attendance[member]); err != nil {
				return err
			}
		}
		from := m.Status
		if m, err = loadMeeting(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "meeting.update", "meeting", id, map[string]string{"from": from, "status": in.Status,
			"attendance": strconv.Itoa(len(members))})
	})
	return m, err
}
