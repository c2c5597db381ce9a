package app_test

import (
	"testing"

	"kim/internal/platform/access"
)

// oaMonitoringCalls are the conformance calls of the monitoring's API (engine part).
func oaMonitoringCalls() []oaCall {
	co, lead := access.Coordinator, access.TeamLead
	cells := func(min int) func(t *testing.T, body map[string]any) {
		return func(t *testing.T, body map[string]any) {
			cs, _ := body["cells"].([]any)
			if body["code"] != "new_cases" || len(cs) < min {
				t.Errorf("cells: %v", body)
			}
		}
	}
	return []oaCall{
		{name: "catalogue", role: co, method: "GET", path: "/api/v1/monitoring/indicators", want: 200,
			check: func(t *testing.T, body map[string]any) {
				if items, _ := body["items"].([]any); len(items) < 10 {
					t.Errorf("catalogue: %v", body)
				}
			}},
		{name: "catalogue as case manager", role: access.CaseManager, method: "GET", path: "/api/v1/monitoring/indicators", want: 403},
		{name: "default range", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases", want: 200, check: cells(12)},
		{name: "by district", role: lead, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?from=2026-01&to=2026-03&by=district", want: 200, check: cells(6)},
		{name: "by age group", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?from=2025-12&to=2026-02&by=age_group", want: 200, check: cells(21)},
		{name: "unknown indicator", role: co, method: "GET", path: "/api/v1/monitoring/indicators/keine_kennzahl", want: 404},
		{name: "bad month", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?from=Januar", want: 422, check: oaField("from")},
		{name: "bad order", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?from=2026-03&to=2026-01", want: 422, check: oaField("to")},
		{name: "bad breakdown", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?by=haarfarbe", want: 422, check: oaField("by")},
		{name: "bad district", role: co, method: "GET", path: "/api/v1/monitoring/indicators/new_cases?district=nirgends", want: 422, check: oaField("district")},
		{name: "as case manager", role: access.CaseManager, method: "GET", path: "/api/v1/monitoring/indicators/new_cases", want: 403},
	}
}
