package steering

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
)

// Service holds the use cases of the steering loop. Each method runs in one transaction,
// checks access first and writes its audit entries in the same transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
	// CaseKey is the secret that turns a case's pseudonym into the key a barrier report
	// carries (HMAC-SHA-256), derived from the master key.
	CaseKey []byte
	// Cases tells what a barrier report needs to know of a case.
	Cases CaseFacts
	// Offers and referrals for the news page and the loop view.
	Offers OfferFacts
	// Dashboards of the integration monitoring linked to themes and bodies, and the
	// monitoring's indicator catalogue with its trends (monitoring_links.go; nil: none).
	Dashboards DashboardLinks
	Indicators Indicators
}

// CaseFacts is what the steering loop learns from case management, through the case
// manager's own access to the case.
type CaseFacts interface {
	// BarrierFacts returns, for a case the actor may work on, the case's pseudonym and
	// organisation and the identifying values of its participants (names in every spelling
	// and script, birth dates, phone numbers, e-mail addresses, street addresses) that a
	// barrier report's text must not contain. A case out of reach is errs.ErrNotFound.
	BarrierFacts(ctx context.Context, actor access.Actor, caseID string) (CaseInfo, error)
	// ReferralCounts returns, per offer id, how many referrals point to the offer (counts
	// only; no case is named).
	ReferralCounts(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]int, error)
}

// CaseInfo is the result of CaseFacts.BarrierFacts.
type CaseInfo struct {
	Pseudonym      string
	OrganisationID string
	Identity       []string
}

// OfferFacts is what the steering loop shows of the offer directory.
type OfferFacts interface {
	// Titles returns the titles (and organisation names) of the given offers of the tenant.
	Titles(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]OfferInfo, error)
}

// OfferInfo is an offer as the steering pages show it.
type OfferInfo struct {
	ID, Title, Organisation string
	Published               bool
	CreatedAt               string
}
