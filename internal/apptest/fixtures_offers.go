package apptest

import (
	"testing"

	"kim/internal/app"
)

// OfferFixtures are the offers fixtures.
type OfferFixtures struct{}

func (f *Fixtures) seedOffers(t testing.TB, a *app.App) {}
