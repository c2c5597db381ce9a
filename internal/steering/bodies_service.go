package steering

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

const bodyCols = `b.id, b.tenant_id, b.type, b.name, b.mandate, b.active, b.created_at, b.updated_at, b.version,
	(SELECT count(*) FROM body_members m WHERE m.tenant_id = b.tenant_id AND m.body_id = b.id AND m.removed_at IS NULL) AS members`

func scanBody(row loopScanner, b *Body) error {
	return row.Scan(&b.ID, &b.TenantID, &b.Type, &b.Name, &b.Mandate, &b.Active, &b.CreatedAt, &b.UpdatedAt, &b.Version, &b.MemberCount)
}

// loadBody returns a body of the actor's tenant the actor may act on with a.
func loadBody(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Body, error) {
	b := &Body{}
	err := scanBody(tx.QueryRowContext(ctx, "SELECT "+bodyCols+" FROM bodies b WHERE b.tenant_id = $1 AND b.id = $2", actor.TenantID, id), b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return b, access.Can(actor, a, access.Resource{Kind: KindBody, TenantID: b.TenantID})
}

// BodyFilter narrows the list of bodies: Type is a body type, State "active", "inactive" or
// "" (all).
type BodyFilter struct {
	Type  string
	State string
}

// ListBodies lists the bodies of the actor's tenant with their member counts and next
// planned meetings.
func (s *Service) ListBodies(ctx context.Context, actor access.Actor, q web.ListQuery, f BodyFilter) ([]Body, int, error) {
	if err := access.Check(actor, KindBody, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindBody, access.List, "b", 1)
	where, args := scope.SQL, scope.Args
	if slices.Contains(BodyTypes, f.Type) {
		args = append(args, f.Type)
		where += " AND b.type = $" + strconv.Itoa(len(args))
	}
	switch f.State {
	case "active":
		where += " AND b.active = TRUE"
	case "inactive":
		where += " AND b.active = FALSE"
	}
	if q.Q != "" {
		args = append(args, db.Like(q.Q))
		where += " AND lower(b.name) LIKE $" + strconv.Itoa(len(args)) + ` ESCAPE '\'`
	}
	var (
		out   []Body
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM bodies b WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		order := q.OrderBy(map[string]string{"name": "b.name", "type": "b.type", "members": "members"}, "b.id")
		out, err = loopRows(ctx, tx, scanBody, "SELECT "+bodyCols+" FROM bodies b WHERE "+where+" ORDER BY "+order+
			" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		if err != nil {
			return err
		}
		return fillNextMeetings(ctx, tx, actor.TenantID, out)
	})
	return out, total, err
}

// fillNextMeetings sets the start of the next planned meeting of each body.
func fillNextMeetings(ctx context.Context, tx *db.Tx, tenantID string, bodies []Body) error {
	if len(bodies) == 0 {
		return nil
	}
	args := []any{tenantID, tx.Now.UTC()}
	for _, b := range bodies {
		args = append(args, b.ID)
	}
	type next struct {
		body string
		at   time.Time
	}
	rows, err := loopRows(ctx, tx, func(row loopScanner, n *next) error { return row.Scan(&n.body, &n.at) },
		`SELECT CAST(body_id AS TEXT), starts_at FROM meetings WHERE tenant_id = $1 AND status = 'planned' AND starts_at >= $2
		AND body_id IN (`+db.Placeholders(3, len(bodies))+`) ORDER BY starts_at`, args...)
	if err != nil {
		return err
	}
	for _, n := range rows {
		for i := range bodies {
			if bodies[i].ID == n.body && bodies[i].NextMeeting.IsZero() {
				bodies[i].NextMeeting = n.at
			}
		}
	}
	return nil
}

// GetBody returns a body with its current members and themes; every read is audited (the
// members are named persons).
func (s *Service) GetBody(ctx context.Context, actor access.Actor, id string) (*Body, error) {
	if err := loopGuard(actor, KindBody, access.View, id, 0); err != nil {
		return nil, err
	}
	var b *Body
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if b, err = loadBody(ctx, tx, actor, access.View, id); err != nil {
			return err
		}
		if b.Members, err = bodyMembers(ctx, tx, b.TenantID, "m.body_id = $2 AND m.removed_at IS NULL", b.ID); err != nil {
			return err
		}
		if b.Themes, err = bodyThemes(ctx, tx, b.TenantID, b.ID); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.view", "body", b.ID, nil)
	})
	return b, err
}

const memberCols = `m.id, m.body_id, b.name, m.person_name, m.email, m.organisation_id, o.name, m.role, m.deputy_name,
	COALESCE(CAST(m.user_id AS TEXT), ''), COALESCE(u.name, ''), COALESCE(CAST(m.deputy_user_id AS TEXT), ''), COALESCE(d.name, ''),
	m.created_at, CASE WHEN m.removed_at IS NULL THEN FALSE ELSE TRUE END`

const memberFrom = ` FROM body_members m JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id
	JOIN organisations o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id
	LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
	LEFT JOIN users d ON d.tenant_id = m.tenant_id AND d.id = m.deputy_user_id`

func scanMember(row loopScanner, m *BodyMember) error {
	return row.Scan(&m.ID, &m.BodyID, &m.BodyName, &m.PersonName, &m.Email, &m.OrganisationID, &m.Organisation, &m.Role, &m.DeputyName,
		&m.UserID, &m.UserName, &m.DeputyUserID, &m.DeputyUserName, &m.CreatedAt, &m.Removed)
}

// bodyMembers lists members of the tenant matching cond ($1 is the tenant), chairs first.
func bodyMembers(ctx context.Context, tx *db.Tx, tenantID, cond string, args ...any) ([]BodyMember, error) {
	return loopRows(ctx, tx, scanMember, "SELECT "+memberCols+memberFrom+" WHERE m.tenant_id = $1 AND "+cond+
		" ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, m.person_name, m.id", append([]any{tenantID}, args...)...)
}

// bodyThemes lists the themes assigned to a body.
func bodyThemes(ctx context.Context, tx *db.Tx, tenantID, bodyID string) ([]BodyTheme, error) {
	return loopRows(ctx, tx, func(row loopScanner, t *BodyTheme) error { return row.Scan(&t.ID, &t.Title, &t.Status) },
		`SELECT t.id, t.title, t.status FROM theme_bodies tb JOIN themes t ON t.tenant_id = tb.tenant_id AND t.id = tb.theme_id
		WHERE tb.tenant_id = $1 AND tb.body_id = $2 ORDER BY t.title, t.id`, tenantID, bodyID)
}

// CreateBody creates a body of the actor's tenant.
func (s *Service) CreateBody(ctx context.Context, actor access.Actor, in BodyInput) (*Body, error) {
	if err := access.Check(actor, KindBody, access.Create); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var b *Body
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := uniqueBodyName(ctx, tx, actor.TenantID, "", in.Name); err != nil {
			return err
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO bodies (tenant_id, id, type, name, mandate, active, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, actor.TenantID, id, in.Type, in.Name, in.Mandate, in.Active, actor.UserID, tx.Now); err != nil {
			return uniqueNameErr(err)
		}
		var err error
		if b, err = loadBody(ctx, tx, actor, access.Create, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.create", "body", id, map[string]string{"type": in.Type})
	})
	return b, err
}

// UpdateBody changes the name, type, mandate and state of a body.
func (s *Service) UpdateBody(ctx context.Context, actor access.Actor, id string, in BodyInput) (*Body, error) {
	if err := loopGuard(actor, KindBody, access.Update, id, in.Version); err != nil {
		return nil, err
	}
	var b *Body
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if b, err = loadBody(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if in.Version != b.Version {
			return errs.E(errs.Conflict, "error.conflict")
		}
		if err := uniqueBodyName(ctx, tx, actor.TenantID, id, in.Name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE bodies SET type = $3, name = $4, mandate = $5, active = $6, updated_at = $7, version = version + 1
			WHERE tenant_id = $1 AND id = $2 AND version = $8`, actor.TenantID, id, in.Type, in.Name, in.Mandate, in.Active, tx.Now, in.Version)
		if err != nil {
			return uniqueNameErr(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.conflict")
		}
		if b, err = loadBody(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.update", "body", id, map[string]string{"type": in.Type, "active": strconv.FormatBool(in.Active)})
	})
	return b, err
}

func uniqueBodyName(ctx context.Context, tx *db.Tx, tenantID, id, name string) error {
	taken, err := loopExists(ctx, tx, "SELECT 1 FROM bodies WHERE tenant_id = $1 AND name = $2 AND CAST(id AS TEXT) <> $3", tenantID, name, id)
	if err != nil {
		return err
	}
	if taken {
		return bodyFail("name", "validation.unique")
	}
	return nil
}

func uniqueNameErr(err error) error {
	if db.IsUniqueViolation(err) {
		return bodyFail("name", "validation.unique")
	}
	return err
}

// AddBodyMember adds a member to a body. The organisation is one of the tenant; an account is
// an active account of the tenant with the role body_member, coordinator or team_lead.
func (s *Service) AddBodyMember(ctx context.Context, actor access.Actor, bodyID string, in BodyMemberInput) (*BodyMember, error) {
	if err := loopGuard(actor, KindBody, access.Update, bodyID, 0); err != nil {
		return nil, err
	}
	verr := in.Validate()
	var m *BodyMember
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		b, err := loadBody(ctx, tx, actor, access.Update, bodyID)
		if err != nil {
			return err
		}
		if err := s.memberRefs(ctx, tx, b, &in, verr); err != nil {
			return err
		}
		id := ids.New()
		if _, err := tx.ExecContext(ctx, `INSERT INTO body_members (tenant_id, id, body_id, user_id, person_name, email, organisation_id, role,
			deputy_name, deputy_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			b.TenantID, id, b.ID, bodyNullable(in.UserID), in.PersonName, in.Email, in.OrganisationID, in.Role, in.DeputyName,
			bodyNullable(in.DeputyUserID), tx.Now); err != nil {
			return err
		}
		ms, err := bodyMembers(ctx, tx, b.TenantID, "m.id = $2", id)
		if err != nil {
			return err
		}
		m = &ms[0]
		return s.loopAudit(ctx, tx, actor, "body.member_add", "body", b.ID, map[string]string{"member": id, "organisation_id": in.OrganisationID,
			"role": in.Role, "account": strconv.FormatBool(in.UserID != "")})
	})
	return m, err
}

func bodyNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// memberRefs checks the references of a new member (adding their messages to those of the
// input's own validation, verr) and fills the name, organisation and deputy's name from the
// accounts where they were left empty.
func (s *Service) memberRefs(ctx context.Context, tx *db.Tx, b *Body, in *BodyMemberInput, verr error) error {
	var v errs.Validation
	if e := errs.As(verr); e != nil && len(e.Fields) > 0 {
		v.Fields = e.Fields
	} else if verr != nil {
		return verr
	}
	account := func(field, id string) (name, org string, ok bool, err error) {
		if id == "" {
			return "", "", true, nil
		}
		if !ids.Valid(id) {
			v.Add(field, "steering.body.account_invalid")
			return "", "", false, nil
		}
		err = tx.QueryRowContext(ctx, `SELECT name, CAST(organisation_id AS TEXT) FROM users WHERE tenant_id = $1 AND id = $2
			AND role IN ('body_member', 'coordinator', 'team_lead') AND disabled_at IS NULL`, b.TenantID, id).Scan(&name, &org)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add(field, "steering.body.account_invalid")
			return "", "", false, nil
		}
		return name, org, err == nil, err
	}
	name, org, ok, err := account("user_id", in.UserID)
	if err != nil {
		return err
	}
	if ok && in.UserID != "" {
		if in.PersonName == "" {
			in.PersonName = name
		}
		if in.OrganisationID == "" {
			in.OrganisationID = org
		}
		taken, err := loopExists(ctx, tx, "SELECT 1 FROM body_members WHERE tenant_id = $1 AND body_id = $2 AND user_id = $3 AND removed_at IS NULL",
			b.TenantID, b.ID, in.UserID)
		if err != nil {
			return err
		}
		if taken {
			v.Add("user_id", "steering.body.account_member")
		}
	}
	deputy, _, ok, err := account("deputy_user_id", in.DeputyUserID)
	if err != nil {
		return err
	}
	if ok && in.DeputyName == "" {
		in.DeputyName = deputy
	}
	if in.OrganisationID != "" && !v.Has("organisation_id") {
		found := ids.Valid(in.OrganisationID)
		if found {
			if found, err = loopExists(ctx, tx, "SELECT 1 FROM organisations WHERE tenant_id = $1 AND id = $2", b.TenantID, in.OrganisationID); err != nil {
				return err
			}
		}
		if !found {
			v.Add("organisation_id", "validation.not_found")
		}
	}
	return v.Err()
}

// loadMember returns a current member of a body the actor may act on with a.
func loadMember(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*BodyMember, error) {
	ms, err := bodyMembers(ctx, tx, actor.TenantID, "m.id = $2 AND m.removed_at IS NULL", id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, errs.ErrNotFound
	}
	if err := access.Can(actor, a, access.Resource{Kind: KindBody, TenantID: actor.TenantID}); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// GetBodyMember returns a current member for the confirmation of their removal.
func (s *Service) GetBodyMember(ctx context.Context, actor access.Actor, id string) (*BodyMember, error) {
	if err := loopGuard(actor, KindBody, access.Update, id, 0); err != nil {
		return nil, err
	}
	var m *BodyMember
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		m, err = loadMember(ctx, tx, actor, access.Update, id)
		return err
	})
	return m, err
}

// RemoveBodyMember ends a membership. The member's attendance of past meetings stays in their
// minutes; their calendar feed no longer lists the body's meetings.
func (s *Service) RemoveBodyMember(ctx context.Context, actor access.Actor, id string) (*BodyMember, error) {
	if err := loopGuard(actor, KindBody, access.Update, id, 0); err != nil {
		return nil, err
	}
	var m *BodyMember
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if m, err = loadMember(ctx, tx, actor, access.Update, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE body_members SET removed_at = $3 WHERE tenant_id = $1 AND id = $2", actor.TenantID, id, tx.Now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bodies SET updated_at = $3 WHERE tenant_id = $1 AND id = $2", actor.TenantID, m.BodyID, tx.Now); err != nil {
			return err
		}
		return s.loopAudit(ctx, tx, actor, "body.member_remove", "body", m.BodyID, map[string]string{"member": id})
	})
	return m, err
}

// BodyChoices are the choices of the member form.
type BodyChoices struct {
	Organisations []web.Option
	Accounts      []web.Option // accounts that may be linked to a member
}

// MemberChoices returns the organisations of the tenant and the accounts a member may be
// linked to (name and organisation; no e-mail addresses).
func (s *Service) MemberChoices(ctx context.Context, actor access.Actor) (*BodyChoices, error) {
	if err := access.Check(actor, KindBody, access.Update); err != nil {
		return nil, err
	}
	c := &BodyChoices{}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		opt := func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) }
		if c.Organisations, err = loopRows(ctx, tx, opt, "SELECT CAST(id AS TEXT), name FROM organisations WHERE tenant_id = $1 ORDER BY name, id",
			actor.TenantID); err != nil {
			return err
		}
		c.Accounts, err = loopRows(ctx, tx, opt, `SELECT CAST(u.id AS TEXT), u.name || ' (' || CASE WHEN o.short_name = '' THEN o.name ELSE o.short_name END || ')'
			FROM users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
			WHERE u.tenant_id = $1 AND u.role IN ('body_member', 'coordinator', 'team_lead') AND u.disabled_at IS NULL ORDER BY u.name, u.id`, actor.TenantID)
		return err
	})
	return c, err
}

// BodyOptions returns every body of the tenant as choices (meeting filters and forms).
func (s *Service) BodyOptions(ctx context.Context, actor access.Actor) ([]web.Option, error) {
	if err := access.Check(actor, KindBody, access.List); err != nil {
		return nil, err
	}
	var out []web.Option
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = loopRows(ctx, tx, func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) },
			"SELECT CAST(id AS TEXT), name FROM bodies WHERE tenant_id = $1 ORDER BY active DESC, name, id", actor.TenantID)
		return err
	})
	return out, err
}
