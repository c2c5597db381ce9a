package app

import "context"

// seedDemoThemes creates the demo themes (idempotent).
func (a *App) seedDemoThemes(ctx context.Context, tenantID string) error { return nil }
