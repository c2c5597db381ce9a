package app

// wireThemes connects themes and recommendations: the offer directory's links back to recommendations (owned by the themes work).
func (a *App) wireThemes() {}
