package offers

import (
	"context"

	"kim/internal/platform/access"
	"kim/internal/platform/audit"
	"kim/internal/platform/db"
)

// Service holds the use cases of the offer directory. Each method runs in one transaction,
// checks access first and writes its audit entries in the same transaction.
type Service struct {
	DB    *db.DB
	Audit *audit.Chain
	// Origins links offers to the recommendations that created or changed them (the
	// steering room); nil when not wired.
	Origins Origins
}

// Origin is a recommendation that created or changed an offer.
type Origin struct {
	RecommendationID string
	Title            string
	Kind             string // "created" or "changed"
}

// Origins is the steering room's side of the link between offers and recommendations.
type Origins interface {
	// LinkOffer records, inside the offer's transaction, that the recommendation created or
	// changed (kind) the offer. A recommendation the actor may not see, or one not yet
	// adopted, is refused with a validation error on field "recommendation_id".
	LinkOffer(ctx context.Context, tx *db.Tx, actor access.Actor, recommendationID, offerID, kind string) error
	// OriginsOf returns the recommendations linked to each of the given offers.
	OriginsOf(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string][]Origin, error)
}
