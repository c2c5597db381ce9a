package app

// wireBarriers connects barrier reports: the steering room's view of cases (owned by the barrier-report work).
func (a *App) wireBarriers() {}
