package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kim/internal/names/nameindex"
	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
	"kim/internal/platform/web"
)

// ErrPurposeRequired answers a team lead or deputy who opens a case that is not theirs
// without stating a purpose.
var ErrPurposeRequired = errs.E(errs.Forbidden, "casework.case.purpose_required")

// GrantDuration is how long a stated purpose opens a case for its user.
const GrantDuration = 8 * time.Hour

const caseCols = `cs.id, cs.tenant_id, cs.organisation_id, cs.case_number, cs.client_id,
	cl.family_name || CASE WHEN cl.given_names = '' THEN '' ELSE ', ' || cl.given_names END,
	cs.status, cs.access_route, cs.admission, cs.case_manager_id, um.name, COALESCE(CAST(cs.deputy_id AS TEXT), ''), COALESCE(ud.name, ''),
	COALESCE(CAST(cs.location_id AS TEXT), ''), cs.urgency, cs.requested_on, cs.review_on, cs.closed_on, cs.close_reason,
	cs.created_at, cs.updated_at, cs.version`

const caseFrom = ` FROM cases cs JOIN clients cl ON cl.tenant_id = cs.tenant_id AND cl.id = cs.client_id
	JOIN users um ON um.tenant_id = cs.tenant_id AND um.id = cs.case_manager_id
	LEFT JOIN users ud ON ud.tenant_id = cs.tenant_id AND ud.id = cs.deputy_id`

func scanCase(row scanner) (*Case, error) {
	c := &Case{}
	var admission string
	err := row.Scan(&c.ID, &c.TenantID, &c.OrganisationID, &c.Number, &c.ClientID, &c.ClientName, &c.Status, &c.AccessRoute,
		&admission, &c.CaseManagerID, &c.CaseManager, &c.DeputyID, &c.Deputy, &c.LocationID, &c.Urgency, &c.RequestedOn,
		&c.ReviewOn, &c.ClosedOn, &c.CloseReason, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.Admission = split(admission, ",")
	return c, err
}

func getCase(ctx context.Context, tx *db.Tx, tenantID, id string) (*Case, error) {
	c, err := scanCase(tx.QueryRowContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE cs.tenant_id = $1 AND cs.id = $2", tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return c, err
}

func (c *Case) resource() access.Resource {
	return access.Resource{Kind: KindCase, TenantID: c.TenantID, OrganisationID: c.OrganisationID, Assignees: []string{c.CaseManagerID, c.DeputyID}}
}

// needsPurpose reports whether actor must state a purpose to open the case: everyone but its
// case manager (the deputy, the team lead).
func (c *Case) needsPurpose(actor access.Actor) bool {
	return actor.Role != access.SystemRole && actor.UserID != c.CaseManagerID
}

// loadCase loads a case the actor may act on with a. Reading or changing a case that is not
// the actor's own needs a purpose: given now (purpose != "", recorded in the audit trail and
// valid for GrantDuration) or earlier within that time. A purpose given is recorded, so tx
// must be a write transaction then.
func (s *Service) loadCase(ctx context.Context, tx *db.Tx, actor access.Actor, a access.Action, id, purpose string) (*Case, error) {
	c, err := getCase(ctx, tx, actor.TenantID, id)
	if err != nil {
		return nil, err
	}
	if err := access.Can(actor, a, c.resource()); err != nil {
		return nil, err
	}
	if !c.needsPurpose(actor) {
		return c, nil
	}
	if purpose = valid.Clean(purpose); purpose != "" {
		if len([]rune(purpose)) > 300 {
			return nil, fieldErr("purpose", "validation.too_long", "Max", 300)
		}
		if err := s.grant(ctx, tx, actor, c, purpose); err != nil {
			return nil, err
		}
		return c, nil
	}
	ok, err := exists(ctx, tx, "SELECT 1 FROM case_access_grants WHERE tenant_id = $1 AND case_id = $2 AND user_id = $3 AND expires_at > $4",
		c.TenantID, c.ID, actor.UserID, tx.Now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrPurposeRequired
	}
	return c, nil
}

func (s *Service) grant(ctx context.Context, tx *db.Tx, actor access.Actor, c *Case, purpose string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_access_grants (tenant_id, case_id, user_id, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id, case_id, user_id) DO UPDATE SET granted_at = excluded.granted_at, expires_at = excluded.expires_at`,
		c.TenantID, c.ID, actor.UserID, tx.Now, tx.Now.Add(GrantDuration)); err != nil {
		return err
	}
	return s.Audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "case.access_purpose", ObjectType: "case", ObjectID: c.ID, Purpose: purpose})
}

// CreateCase opens a case for a client of the actor's organisation.
func (s *Service) CreateCase(ctx context.Context, actor access.Actor, in CaseInput) (*Case, error) {
	if err := access.Check(actor, KindCase, access.Create); err != nil {
		return nil, err
	}
	now := s.DB.Clock.Now()
	if err := in.Validate(now.In(valid.Berlin)); err != nil {
		return nil, err
	}
	if in.CaseManagerID == "" {
		in.CaseManagerID = actor.UserID
	}
	var c *Case
	err := s.writeRetry(ctx, func(tx *db.Tx) error {
		cl, err := s.caseRefs(ctx, tx, actor, &in)
		if err != nil {
			return err
		}
		in.ClientID = cl.ID
		if c, err = s.insertCase(ctx, tx, actor, in); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.create", "case", c.ID, map[string]string{"client": cl.ID})
	})
	return c, err
}

// insertCase stores a new case of the actor's organisation with its participants and first
// history entry (the input's references are checked).
func (s *Service) insertCase(ctx context.Context, tx *db.Tx, actor access.Actor, in CaseInput) (*Case, error) {
	id := ids.New()
	note, err := s.seal(ctx, tx, actor.TenantID, "cases", "admission_note", id, in.AdmissionNote)
	if err != nil {
		return nil, err
	}
	number, err := nextNumber(ctx, tx, actor.TenantID, actor.OrganisationID, tx.Now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (tenant_id, id, organisation_id, case_number, client_id, status, access_route,
		admission, admission_note, case_manager_id, deputy_id, location_id, urgency, requested_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
		actor.TenantID, id, actor.OrganisationID, number, in.ClientID, StatusRequested, in.AccessRoute, strings.Join(in.Admission, ","),
		note, in.CaseManagerID, nullable(in.DeputyID), nullable(in.LocationID), in.Urgency, in.RequestedOn, tx.Now); err != nil {
		return nil, err
	}
	for i, m := range append([]string{in.ClientID}, in.Members...) {
		role := "member"
		if i == 0 {
			role = "primary"
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO case_participants (tenant_id, case_id, client_id, role, created_at) VALUES ($1, $2, $3, $4, $5)",
			actor.TenantID, id, m, role, tx.Now); err != nil {
			return nil, err
		}
	}
	if err := s.event(ctx, tx, actor, id, "status", "", StatusRequested, "", ""); err != nil {
		return nil, err
	}
	return getCase(ctx, tx, actor.TenantID, id)
}

// caseRefs checks the references of a new case: the client and members are clients of the
// organisation, the case manager and deputy are case managers or team leads of it, the
// location is one of its locations, and the admission criteria are the tenant's.
func (s *Service) caseRefs(ctx context.Context, tx *db.Tx, actor access.Actor, in *CaseInput) (*Client, error) {
	var v errs.Validation
	var cl *Client
	if ids.Valid(in.ClientID) {
		c, err := getClient(ctx, tx, actor.TenantID, in.ClientID)
		if err == nil && c.OrganisationID == actor.OrganisationID {
			cl = c
		} else if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return nil, err
		}
	}
	if cl == nil {
		v.Add("client_id", "validation.not_found")
	}
	var members []string
	for _, m := range in.Members {
		if m == "" || m == in.ClientID || slices.Contains(members, m) {
			continue
		}
		ok := ids.Valid(m)
		if ok {
			var err error
			if ok, err = exists(ctx, tx, "SELECT 1 FROM clients WHERE tenant_id = $1 AND id = $2 AND organisation_id = $3", actor.TenantID, m, actor.OrganisationID); err != nil {
				return nil, err
			}
		}
		if !ok {
			v.Add("member_client_ids", "validation.not_found")
			continue
		}
		members = append(members, m)
	}
	in.Members = members
	for _, f := range []struct{ field, id string }{{"case_manager_id", in.CaseManagerID}, {"deputy_id", in.DeputyID}} {
		if f.id == "" {
			continue
		}
		ok, err := s.isStaff(ctx, tx, actor, f.id)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.Add(f.field, "casework.case.not_staff")
		}
	}
	if in.DeputyID != "" && in.DeputyID == in.CaseManagerID {
		v.Add("deputy_id", "casework.case.deputy_same")
	}
	if in.LocationID != "" {
		ok := ids.Valid(in.LocationID)
		if ok {
			var err error
			if ok, err = exists(ctx, tx, "SELECT 1 FROM locations WHERE tenant_id = $1 AND id = $2 AND organisation_id = $3", actor.TenantID, in.LocationID, actor.OrganisationID); err != nil {
				return nil, err
			}
		}
		if !ok {
			v.Add("location_id", "validation.not_found")
		}
	}
	crit, err := s.criteria(ctx, tx, actor.TenantID, true)
	if err != nil {
		return nil, err
	}
	var met []string
	for _, a := range in.Admission {
		if !slices.ContainsFunc(crit, func(c Criterion) bool { return c.ID == a }) {
			v.Add("admission_criteria_met", "validation.choice")
		} else if !slices.Contains(met, a) {
			met = append(met, a)
		}
	}
	in.Admission = met
	return cl, v.Err()
}

// isStaff reports whether id is an active case manager or team lead of the actor's organisation.
func (s *Service) isStaff(ctx context.Context, tx *db.Tx, actor access.Actor, id string) (bool, error) {
	if !ids.Valid(id) {
		return false, nil
	}
	return exists(ctx, tx, `SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 AND organisation_id = $3
		AND role IN ('case_manager', 'team_lead') AND disabled_at IS NULL`, actor.TenantID, id, actor.OrganisationID)
}

// nextNumber gives the next case number of the organisation in the year: YYYY-NNNNN.
func nextNumber(ctx context.Context, tx *db.Tx, tenantID, orgID string, now time.Time) (string, error) {
	year := now.In(valid.Berlin).Format("2006")
	// New cases of one organisation take their numbers one after the other: the organisation's
	// row is locked until the transaction ends (PostgreSQL; SQLite has a single writer).
	var locked string
	if err := tx.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM organisations WHERE tenant_id = $1 AND id = $2"+tx.ForUpdate(), tenantID, orgID).Scan(&locked); err != nil {
		return "", err
	}
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT max(case_number) FROM cases WHERE tenant_id = $1 AND organisation_id = $2 AND case_number LIKE $3",
		tenantID, orgID, year+"-%").Scan(&last); err != nil {
		return "", err
	}
	n := 0
	if last.Valid {
		_, _ = fmt.Sscanf(strings.TrimPrefix(last.String, year+"-"), "%d", &n)
	}
	return fmt.Sprintf("%s-%05d", year, n+1), nil
}

// event appends to the case history.
func (s *Service) event(ctx context.Context, tx *db.Tx, actor access.Actor, caseID, kind, from, to, detail, note string) error {
	id := ids.New()
	ct, err := s.seal(ctx, tx, actor.TenantID, "case_events", "note", id, note)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO case_events (tenant_id, id, case_id, at, actor_id, kind, from_status, to_status, detail, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, actor.TenantID, id, caseID, tx.Now, actor.UserID, kind, from, to, detail, ct)
	return err
}

// GetCase returns a case with its participants for its page; purpose is needed when the
// actor is not the case manager (see loadCase). Every read is audited.
func (s *Service) GetCase(ctx context.Context, actor access.Actor, id, purpose string) (*Case, error) {
	if err := access.Guard(actor, KindCase, access.View, id, 0); err != nil {
		return nil, err
	}
	var c *Case
	err := s.DB.Write(ctx, func(tx *db.Tx) (err error) {
		if c, err = s.loadCase(ctx, tx, actor, access.View, id, purpose); err != nil {
			return err
		}
		if err := s.caseDetails(ctx, tx, c); err != nil {
			return err
		}
		return s.log(ctx, tx, actor, "case.view", "case", c.ID, nil)
	})
	return c, err
}

// caseDetails fills the participants and the decrypted notes of a case for its page.
func (s *Service) caseDetails(ctx context.Context, tx *db.Tx, c *Case) (err error) {
	if c.Participants, err = participants(ctx, tx, c.TenantID, c.ID); err != nil {
		return err
	}
	var note, close []byte
	if err := tx.QueryRowContext(ctx, "SELECT admission_note, close_note FROM cases WHERE tenant_id = $1 AND id = $2", c.TenantID, c.ID).Scan(&note, &close); err != nil {
		return err
	}
	if c.AdmissionNote, err = s.open(ctx, tx, c.TenantID, "cases", "admission_note", c.ID, note); err != nil {
		return err
	}
	c.CloseNote, err = s.open(ctx, tx, c.TenantID, "cases", "close_note", c.ID, close)
	return err
}

func participants(ctx context.Context, tx *db.Tx, tenantID, caseID string) ([]Participant, error) {
	return queryAll(ctx, tx, func(row scanner, p *Participant) error { return row.Scan(&p.ClientID, &p.Name, &p.Role) },
		`SELECT p.client_id, cl.family_name || CASE WHEN cl.given_names = '' THEN '' ELSE ', ' || cl.given_names END, p.role
		FROM case_participants p JOIN clients cl ON cl.tenant_id = p.tenant_id AND cl.id = p.client_id
		WHERE p.tenant_id = $1 AND p.case_id = $2 ORDER BY p.role DESC, cl.family_name`, tenantID, caseID)
}

// CaseFilter narrows a case list.
type CaseFilter struct {
	Mine     bool     // only cases the actor manages or deputises
	Statuses []string // empty: open cases
	Manager  string   // a case manager's id (team view)
	ClientID string
}

// ListCases lists the cases the actor may see: "Mein Fallbestand" for case managers, the team
// view for team leads.
func (s *Service) ListCases(ctx context.Context, actor access.Actor, q web.ListQuery, f CaseFilter) ([]Case, int, error) {
	if err := access.Check(actor, KindCase, access.List); err != nil {
		return nil, 0, err
	}
	where, args, ok := caseWhere(actor, f)
	if !ok {
		return nil, 0, nil
	}
	var (
		out   []Case
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if q.Q != "" {
			// The client's name in any spelling (through the name index) or the case number.
			cands, err := s.Names.Search(ctx, tx, actor.TenantID, q.Q, nameindex.Filter{Organisations: []string{actor.OrganisationID}}, nameindex.MaxLimit)
			if err != nil {
				return err
			}
			args = append(args, db.Like(q.Q))
			cond := "(cs.case_number LIKE $" + itoa(len(args)) + " ESCAPE '\\'"
			if len(cands) > 0 {
				var ph []string
				for _, c := range cands {
					args = append(args, c.SubjectID)
					ph = append(ph, "$"+itoa(len(args)))
				}
				cond += " OR cs.client_id IN (" + strings.Join(ph, ", ") + ")"
			}
			where += " AND " + cond + ")"
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM cases cs WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		order := q.OrderBy(map[string]string{"updated": "cs.updated_at", "number": "cs.case_number", "client": "cl.family_name",
			"status": "cs.status", "requested": "cs.requested_on", "review": "cs.review_on"}, "cs.id")
		rows, err := tx.QueryContext(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+where+" ORDER BY "+order+
			" LIMIT "+itoa(q.Size)+" OFFSET "+itoa(q.Offset()), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, total, err
}
