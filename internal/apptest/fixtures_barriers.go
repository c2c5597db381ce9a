package apptest

import (
	"testing"

	"kim/internal/app"
)

// BarrierFixtures are the barriers fixtures.
type BarrierFixtures struct{}

func (f *Fixtures) seedBarriers(t testing.TB, a *app.App) {}
