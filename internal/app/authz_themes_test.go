package app_test

import "strings"

func init() {
	// Themes and recommendations belong to the tenant (scopes own and other-tenant); a body
	// member sees only those of the own bodies, so the scope other-org stands for "another
	// body's": ThemeOtherA and RecommendationOtherA (404 for the body member). No request of the
	// matrix changes them: empty forms answer 422 (or 409 for a draft that cannot link offers or
	// take feedback yet).
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		th := m.fx.Themes
		switch {
		case strings.HasPrefix(r.path, "/themen/{id}"):
			return pick(r, th.ThemeA.ID, th.ThemeOtherA.ID, th.ThemeB.ID), true
		case strings.HasPrefix(r.path, "/empfehlungen/{id}"):
			return pick(r, th.RecommendationA.ID, th.RecommendationOtherA.ID, th.RecommendationB.ID), true
		}
		return "", false
	})
}
