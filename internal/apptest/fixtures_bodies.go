package apptest

import (
	"testing"

	"kim/internal/app"
)

// BodyFixtures are the bodies fixtures.
type BodyFixtures struct{}

func (f *Fixtures) seedBodies(t testing.TB, a *app.App) {}
