package app_test

import "strings"

func init() {
	// Barrier reports: ReportA1 (the case-manager fixture's, organisation A1), ReportA2
	// (organisation A2), ReportB1 (tenant beta). Screening with an empty form changes nothing.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		if !strings.HasPrefix(r.path, "/problemanzeigen/") {
			return "", false
		}
		b := m.fx.Barriers
		return pick(r, b.ReportA1.ID, b.ReportA2.ID, b.ReportB1.ID), true
	})
}
