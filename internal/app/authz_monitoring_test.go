package app_test

func init() {
	// The indicator pages and the API address an indicator by its code, the same in every
	// tenant: other-tenant stands for an unknown code.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		switch r.path {
		case "/monitoring/kennzahlen/{id}", "/api/v1/monitoring/indicators/{id}":
			return pick(r, "new_cases", "", "keine_kennzahl"), true
		}
		return "", false
	})
}
