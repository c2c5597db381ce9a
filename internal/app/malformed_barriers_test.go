package app_test

import "kim/internal/platform/access"

func init() {
	// The coordination screens barrier reports and works the inbox; case managers read their
	// news. Filing a report lies under /faelle (the case manager's area, the case fixtures).
	staffCallers = append(staffCallers, callerArea{"/problemanzeigen", access.Coordinator}, callerArea{"/koordination", access.Coordinator},
		callerArea{"/neuigkeiten", access.CaseManager})
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		return []string{"/problemanzeigen"}, target{own: p.fx.Barriers.ReportA1.ID, foreign: p.fx.Barriers.ReportB1.ID}
	})
}
