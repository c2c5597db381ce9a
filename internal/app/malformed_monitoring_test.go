package app_test

import "kim/internal/platform/access"

func init() {
	// The catalogue, the indicator pages and the indicators' API are read by every reader of
	// figures; the coordination stands for them. {id} is an indicator's code.
	staffCallers = append(staffCallers, callerArea{"/monitoring/kennzahlen", access.Coordinator}, callerArea{"/monitoring", access.Coordinator})
	apiCallers = append(apiCallers, callerArea{"/api/v1/monitoring", access.Coordinator})
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		return []string{"/monitoring/kennzahlen", "/api/v1/monitoring/indicators"}, target{own: "new_cases", foreign: "keine_kennzahl"}
	})
}
