package casework_test

import (
	"context"
	"os"
	"testing"

	"kim/internal/app"
	"kim/internal/casework"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
)

// BenchmarkDeadlines times "Meine Fristen" for the case managers of a database filled by
// `kim seed synthetic` (KIM_BENCH_DB names it; skipped without).
func BenchmarkDeadlines(b *testing.B) {
	dsn := os.Getenv("KIM_BENCH_DB")
	if dsn == "" {
		b.Skip("KIM_BENCH_DB not set")
	}
	ctx := context.Background()
	cfg := app.Defaults()
	cfg.DSN = dsn
	a, err := app.New(ctx, cfg, app.NewLogger(cfg, os.Stderr))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	var actors []access.Actor
	err = a.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT CAST(id AS TEXT), CAST(tenant_id AS TEXT), CAST(organisation_id AS TEXT) FROM users WHERE role = 'case_manager' LIMIT 50")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u access.Actor
			if err := rows.Scan(&u.UserID, &u.TenantID, &u.OrganisationID); err != nil {
				return err
			}
			u.Role = access.CaseManager
			actors = append(actors, u)
		}
		return rows.Err()
	})
	if err != nil || len(actors) == 0 {
		b.Fatal(err, len(actors))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Cases.Deadlines(ctx, actors[i%len(actors)], casework.DeadlineFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}
