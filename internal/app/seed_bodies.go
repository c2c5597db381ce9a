package app

import "context"

// seedDemoBodies creates the demo bodies (idempotent).
func (a *App) seedDemoBodies(ctx context.Context, tenantID string) error { return nil }
