package app

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// wireBarriers connects barrier reports: the steering room's view of cases (owned by the barrier-report work).
func (a *App) wireBarriers() { a.Steering.Cases = barrierCases{a} }

// barrierCases tells the steering room what a barrier report needs of a case, through case
// management's own access rules.
type barrierCases struct{ a *App }

func (b barrierCases) BarrierFacts(ctx context.Context, actor access.Actor, caseID string) (steering.CaseInfo, error) {
	c, err := b.a.Cases.BarrierFacts(ctx, actor, caseID)
	return steering.CaseInfo{Pseudonym: c.Pseudonym, OrganisationID: c.OrganisationID, Identity: c.Identity}, err
}

func (b barrierCases) ReferralCounts(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]int, error) {
	return b.a.Cases.ReferralCounts(ctx, tx, tenantID, offerIDs)
}
