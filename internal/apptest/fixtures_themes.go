package apptest

import (
	"testing"

	"kim/internal/app"
)

// ThemeFixtures are the themes fixtures.
type ThemeFixtures struct{}

func (f *Fixtures) seedThemes(t testing.TB, a *app.App) {}
