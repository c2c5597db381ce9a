package casework

import (
	"context"
	"fmt"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/ids"
	"kim/internal/platform/valid"
)

// The kinds of deadlines on the work list ("Meine Fristen").
const (
	DeadlineResidence = "residence"          // the residence title ends (valid_until)
	DeadlineDocument  = "residence_document" // the residence document expires
	DeadlineTask      = "task"               // an open task of the plan is due
	DeadlineReview    = "review"             // the plan's review is due
	DeadlineReferral  = "referral"           // a partner has not answered a referral in time
	DeadlineFollowUp  = "follow_up"          // the follow-up date of the latest contact
)

// DeadlineKinds lists the kinds in display order.
var DeadlineKinds = []string{DeadlineResidence, DeadlineDocument, DeadlineTask, DeadlineReview, DeadlineReferral, DeadlineFollowUp}

// How far ahead the work list looks, in days.
const (
	ResidenceHorizon = 90
	TaskHorizon      = 14
	ReviewHorizon    = 14
	FollowUpHorizon  = 7
	// SoonDays is what the start page counts as due this week.
	SoonDays = 7
	// maxDeadlines bounds the list (the newest dates beyond it are left out).
	maxDeadlines = 1000
)

// Deadline is one item of the work list. It names its case and client but carries no free
// text of the case (no task titles, no notes): Detail is a code (the residence type) or the
// name of the partner organisation.
type Deadline struct {
	Kind        string `json:"kind"`
	Date        string `json:"date"`
	Overdue     bool   `json:"overdue"`
	Soon        bool   `json:"soon"` // not overdue, due within SoonDays
	CaseID      string `json:"case_id"`
	CaseNumber  string `json:"case_number"`
	ClientName  string `json:"client_name"`
	CaseManager string `json:"case_manager_name"`
	Detail      string `json:"detail"`
}

// DeadlineFilter narrows the work list.
type DeadlineFilter struct {
	Manager string // a case manager's id (team view)
}

// DeadlineSummary counts the items of a work list for the start page.
type DeadlineSummary struct {
	Overdue int
	Soon    int
}

// Summarize counts overdue items and items due soon.
func Summarize(items []Deadline) DeadlineSummary {
	var s DeadlineSummary
	for _, d := range items {
		if d.Overdue {
			s.Overdue++
		} else if d.Soon {
			s.Soon++
		}
	}
	return s
}

// Deadlines lists the deadlines of the open cases the actor may list (a case manager: the
// cases managed or deputised; a team lead: the organisation's), sorted by date:
//   - residence: the client's latest residence record ends or its document expires within
//     ResidenceHorizon days, or already has;
//   - tasks: open tasks due within TaskHorizon days (or overdue);
//   - reviews: the plan review within ReviewHorizon days (or overdue);
//   - referrals: sent and unanswered after the answer date;
//   - follow-ups: the follow-up date of a case's latest contact within FollowUpHorizon days
//     (a later contact settles an earlier contact's follow-up).
func (s *Service) Deadlines(ctx context.Context, actor access.Actor, f DeadlineFilter) ([]Deadline, error) {
	if err := access.Check(actor, KindCase, access.List); err != nil {
		return nil, err
	}
	var out []Deadline
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		sc := access.Scope(actor, KindCase, access.List, "cs", 1)
		args := append([]any(nil), sc.Args...)
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		day := tx.Now.In(valid.Berlin)
		ahead := func(days int) string { return day.AddDate(0, 0, days).Format(valid.DateLayout) }
		today := valid.Today(tx.Now)
		where := sc.SQL + " AND cs.status IN ('" + strings.Join(OpenStatuses, "', '") + "')"
		if f.Manager != "" && ids.Valid(f.Manager) {
			where += " AND cs.case_manager_id = " + arg(f.Manager)
		}
		pToday, pTask, pReview, pFollow, pResidence := arg(today), arg(ahead(TaskHorizon)), arg(ahead(ReviewHorizon)),
			arg(ahead(FollowUpHorizon)), arg(ahead(ResidenceHorizon))
		// The actor's open cases first (a few dozen for a case manager), then each kind of
		// deadline reached from them through the per-case indexes. CROSS JOIN keeps that order
		// on SQLite, which has no statistics to find it; PostgreSQL plans it the same way.
		mine := "WITH mine AS MATERIALIZED (SELECT cs.tenant_id, cs.id, cs.case_number, cs.client_id, cs.case_manager_id, cs.review_on FROM cases cs WHERE " +
			where + ")\n"
		branch := func(kind, date, detail, from, cond string) string {
			return "SELECT '" + kind + "' AS kind, " + date + " AS due, " + detail + ` AS detail, cs.id AS case_id, cs.case_number AS case_number,
				cl.family_name || CASE WHEN cl.given_names = '' THEN '' ELSE ', ' || cl.given_names END AS client_name, um.name AS manager
				FROM mine cs ` + from + ` CROSS JOIN clients cl CROSS JOIN users um
				WHERE cl.tenant_id = cs.tenant_id AND cl.id = cs.client_id AND um.tenant_id = cs.tenant_id AND um.id = cs.case_manager_id AND ` + cond
		}
		const latestResidence = `CROSS JOIN residence_statuses rs`
		const residenceCond = `rs.tenant_id = cs.tenant_id AND rs.client_id = cs.client_id
			AND NOT EXISTS (SELECT 1 FROM residence_statuses r2 WHERE r2.tenant_id = rs.tenant_id AND r2.client_id = rs.client_id
				AND r2.recorded_at >= rs.recorded_at AND (r2.recorded_at > rs.recorded_at OR r2.id > rs.id)) AND `
		q := mine + strings.Join([]string{
			branch(DeadlineResidence, "rs.valid_until", "rs.type", latestResidence, residenceCond+"rs.valid_until <> '' AND rs.valid_until <= "+pResidence),
			branch(DeadlineDocument, "rs.document_expiry", "rs.type", latestResidence, residenceCond+"rs.document_expiry <> '' AND rs.document_expiry <= "+pResidence),
			branch(DeadlineTask, "t.due_on", "''", "CROSS JOIN tasks t",
				"t.tenant_id = cs.tenant_id AND t.case_id = cs.id AND t.status = 'open' AND t.due_on <> '' AND t.due_on <= "+pTask),
			branch(DeadlineReview, "cs.review_on", "''", "", "cs.review_on <> '' AND cs.review_on <= "+pReview),
			branch(DeadlineReferral, "r.answer_due", "o.name", "CROSS JOIN referrals r CROSS JOIN organisations o",
				"r.tenant_id = cs.tenant_id AND r.case_id = cs.id AND o.tenant_id = r.tenant_id AND o.id = r.to_org_id AND r.status = 'sent' AND r.answer_due < "+pToday),
			branch(DeadlineFollowUp, "k.follow_up_on", "''", "CROSS JOIN contacts k",
				"k.tenant_id = cs.tenant_id AND k.case_id = cs.id AND k.follow_up_on <> '' AND k.follow_up_on <= "+pFollow+` AND NOT EXISTS (SELECT 1 FROM contacts k2 WHERE k2.tenant_id = k.tenant_id
					AND k2.case_id = k.case_id AND k2.contact_on >= k.contact_on AND (k2.contact_on > k.contact_on OR k2.created_at > k.created_at
					OR (k2.created_at = k.created_at AND k2.id > k.id)))`),
		}, "\nUNION ALL\n") + "\nORDER BY 2, 1, 5 LIMIT " + itoa(maxDeadlines)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		soon := ahead(SoonDays)
		for rows.Next() {
			var d Deadline
			if err := rows.Scan(&d.Kind, &d.Date, &d.Detail, &d.CaseID, &d.CaseNumber, &d.ClientName, &d.CaseManager); err != nil {
				return err
			}
			d.Overdue = d.Date < today
			d.Soon = !d.Overdue && d.Date <= soon
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}
