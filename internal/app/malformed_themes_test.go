package app_test

import "kim/internal/platform/access"

func init() {
	// Themes, the merge of reports and recommendations are the coordination's pages; the
	// battery posts to another tenant's record for every action but an edit.
	staffCallers = append(staffCallers, callerArea{"/themen", access.Coordinator}, callerArea{"/empfehlungen", access.Coordinator})
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		return []string{"/themen"}, target{own: p.fx.Themes.ThemeA.ID, foreign: p.fx.Themes.ThemeB.ID}
	}, func(p *prober) ([]string, target) {
		return []string{"/empfehlungen"}, target{own: p.fx.Themes.RecommendationA.ID, foreign: p.fx.Themes.RecommendationB.ID}
	})
}
