package casework

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
)

// MaxExportRows bounds a caseload export; a larger selection must be narrowed by the filters.
const MaxExportRows = 20000

// ExportRow is one case of a caseload export. It holds master data and counts only: no
// special-category content and no free text (notes, assessments, messages).
type ExportRow struct {
	Number      string
	ClientName  string
	BirthDate   string // YYYY-MM-DD or a year
	Status      string
	AccessRoute string
	CaseManager string
	Deputy      string
	RequestedOn string
	ClosedOn    string
	CloseReason string
	Contacts    int
	LastContact string
}

// caseWhere is the condition of a case list for the actor and the filter (cases as "cs"):
// the actor's scope, then the filter. ok is false when the filter matches nothing (unknown
// states, malformed ids).
func caseWhere(actor access.Actor, f CaseFilter) (where string, args []any, ok bool) {
	sc := access.Scope(actor, KindCase, access.List, "cs", 1)
	where, args = sc.SQL, append([]any(nil), sc.Args...)
	add := func(cond string, a any) {
		args = append(args, a)
		where += " AND " + strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args)))
	}
	if f.Mine {
		add("(cs.case_manager_id = $? OR cs.deputy_id = $?)", actor.UserID)
	}
	// A malformed id matches nothing.
	if f.Manager != "" && !ids.Valid(f.Manager) || f.ClientID != "" && !ids.Valid(f.ClientID) {
		return "", nil, false
	}
	if f.Manager != "" {
		add("cs.case_manager_id = $?", f.Manager)
	}
	if f.ClientID != "" {
		add("cs.id IN (SELECT case_id FROM case_participants WHERE tenant_id = cs.tenant_id AND client_id = $?)", f.ClientID)
	}
	statuses := OpenStatuses
	if len(f.Statuses) > 0 {
		statuses = f.Statuses
	}
	var in []string
	for _, st := range statuses {
		if slices.Contains(Statuses, st) {
			args = append(args, st)
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(in) == 0 {
		return "", nil, false
	}
	return where + " AND cs.status IN (" + strings.Join(in, ", ") + ")", args, true
}

// ExportCases returns the cases of a list selection (the filters of ListCases) for a download
// in format ("csv", "xlsx"), sorted by case number. The export and its row count are audited
// in the same transaction.
func (s *Service) ExportCases(ctx context.Context, actor access.Actor, f CaseFilter, format string) ([]ExportRow, error) {
	if err := access.Check(actor, KindCase, access.List); err != nil {
		return nil, err
	}
	where, args, ok := caseWhere(actor, f)
	var out []ExportRow
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		if ok {
			rows, err := tx.QueryContext(ctx, `SELECT cs.case_number,
				cl.family_name || CASE WHEN cl.given_names = '' THEN '' ELSE ', ' || cl.given_names END, cl.birth_date,
				cs.status, cs.access_route, um.name, COALESCE(ud.name, ''), cs.requested_on, cs.closed_on, cs.close_reason,
				(SELECT count(*) FROM contacts k WHERE k.tenant_id = cs.tenant_id AND k.case_id = cs.id),
				COALESCE((SELECT max(k.contact_on) FROM contacts k WHERE k.tenant_id = cs.tenant_id AND k.case_id = cs.id), '')`+
				caseFrom+" WHERE "+where+" ORDER BY cs.case_number, cs.id LIMIT "+itoa(MaxExportRows+1), args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var e ExportRow
				if err := rows.Scan(&e.Number, &e.ClientName, &e.BirthDate, &e.Status, &e.AccessRoute, &e.CaseManager, &e.Deputy,
					&e.RequestedOn, &e.ClosedOn, &e.CloseReason, &e.Contacts, &e.LastContact); err != nil {
					return err
				}
				out = append(out, e)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(out) > MaxExportRows {
				return errs.E(errs.Invalid, "casework.export.too_many", "Max", MaxExportRows)
			}
		}
		return s.log(ctx, tx, actor, "export.caseload", "case", "", map[string]string{"rows": strconv.Itoa(len(out)), "format": format})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
