package app_test

import (
	"context"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/db"
)

// The demo's new offer has referrals from case managers of other organisations (so that the
// loop view shows them), each under a consent naming the offer's organisation; a second seed
// adds none.
func TestDemoReferralsToTheNewOffer(t *testing.T) {
	env := apptest.New(t, apptest.SQLite, apptest.Options{Demo: true})
	ctx := context.Background()
	count := func() (n, wrongOrg int) {
		err := env.DB().Read(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN r.to_org_id <> o.organisation_id THEN 1 ELSE 0 END)
				FROM referrals r JOIN offers o ON o.tenant_id = r.tenant_id AND o.id = r.offer_id
				WHERE o.title = 'Sprachkurs mit Kinderbetreuung Ohligs'`).Scan(&n, &wrongOrg)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n, wrongOrg
	}
	for i := 0; i < 2; i++ {
		if err := env.App.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if n, wrong := count(); n != 6 || wrong != 0 {
			t.Fatalf("seed %d: %d referrals to the new offer (%d to another organisation), want 6", i+1, n, wrong)
		}
	}
}
