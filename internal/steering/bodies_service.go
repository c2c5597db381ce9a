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

// loadBody returns a body of the actor's tenant the actor may act on with a; a body member
// reaches the own bodies only (another body is not found).
func loadBody(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id string) (*Body, error) {
	b := &Body{}
	own, args := ownBodies(actor, "b.id", 3)
	err := scanBody(tx.QueryRowContext(ctx, "SELECT "+bodyCols+" FROM bodies b WHERE b.tenant_id = $1 AND b.id = $2 AND "+own,
		append([]any{actor.TenantID, id}, args...)...), b)
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

// ListBodies lists the bodies of the actor's tenant (a body member's own bodies) with their
// member counts and next planned meetings.
func (s *Service) ListBodies(ctx context.Context, actor access.Actor, q web.ListQuery, f BodyFilter) ([]Body, int, error) {
	if err := access.Check(actor, KindBody, access.List); err != nil {
		return nil, 0, err
	}
	scope := access.Scope(actor, KindBody, access.List, "b", 1)
	own, oargs := ownBodies(actor, "b.id", len(scope.Args)+1)
	where, args := scope.SQL+" AND "+own, append(scope.Args, oargs...)
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

// fillNextMeetings sets the start of the next planned meeting of each body (the earliest
// planned start from now on per body).
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
	// The minimum is joined back to its meeting: an aggregate loses the column's type on SQLite.
	rows, err := loopRows(ctx, tx, func(row loopScanner, n *next) error { return row.Scan(&n.body, &n.at) },
		`SELECT CAST(mt.body_id AS TEXT), mt.starts_at FROM meetings mt JOIN (SELECT body_id, min(starts_at) AS first FROM meetings
		WHERE tenant_id = $1 AND status = 'planned' AND starts_at >= $2 AND body_id IN (`+db.Placeholders(3, len(bodies))+`) GROUP BY body_id) n
		ON n.body_id = mt.body_id AND n.first = mt.starts_at WHERE mt.tenant_id = $1 AND mt.status = 'planned'`, args...)
	if err != nil {
		return err
	}
	at := map[string]time.Time{}
	for _, n := range rows {
		at[n.body] = n.at
	}
	for i := range bodies {
		bodies[i].NextMeeting = at[bodies[i].ID]
	}
	return nil
}

// GetBody returns a body with its current members and themes; every read is audited (the
// members are named persons). The members' e-mail addresses are for the coordination only
// (Manage); others get them empty.
func (s *Service) GetBody(ctx context.Context, actor access.Actor, id string) (*Body, error) {
	if err := access.Guard(actor, KindBody, access.View, id, 0); err != nil {
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
		if !access.Allowed(actor, KindBody, access.Manage) {
			for i := range b.Members {
				b.Members[i].Email = ""
			}
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
	m.since, m.created_at, CASE WHEN m.removed_at IS NULL THEN FALSE ELSE TRUE END`

const memberFrom = ` FROM body_members m JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id
	JOIN organisations o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id
	LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
	LEFT JOIN users d ON d.tenant_id = m.tenant_id AND d.id = m.deputy_user_id`

func scanMember(row loopScanner, m *BodyMember) error {
	return row.Scan(&m.ID, &m.BodyID, &m.BodyName, &m.PersonName, &m.Email, &m.OrganisationID, &m.Organisation, &m.Role, &m.DeputyName,
		&m.UserID, &m.UserName, &m.DeputyUserID, &m.DeputyUserName, &m.Since, &m.CreatedAt, &m.Removed)
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
	if err := access.Guard(actor, KindBody, access.Update, id, in.Version); err != nil {
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

// BodyOptions returns the bodies of the tenant as choices (a body member's own bodies), the
// active ones first.
func (s *Service) BodyOptions(ctx context.Context, actor access.Actor) ([]web.Option, error) {
	if err := access.Check(actor, KindBody, access.List); err != nil {
		return nil, err
	}
	var out []web.Option
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		out, err = bodyOptions(ctx, tx, actor, false)
		return err
	})
	return out, err
}

// bodyOptions lists the bodies the actor reaches as choices; activeOnly leaves out the bodies
// that no longer work.
func bodyOptions(ctx context.Context, tx *db.Tx, actor access.Actor, activeOnly bool) ([]web.Option, error) {
	own, args := ownBodies(actor, "b.id", 2)
	if activeOnly {
		own += " AND b.active = TRUE"
	}
	return loopRows(ctx, tx, func(row loopScanner, o *web.Option) error { return row.Scan(&o.Value, &o.Label) },
		"SELECT CAST(b.id AS TEXT), b.name FROM bodies b WHERE b.tenant_id = $1 AND "+own+" ORDER BY b.active DESC, b.name, b.id",
		append([]any{actor.TenantID}, args...)...)
}
