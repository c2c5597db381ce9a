package app

// wireThemes connects themes and recommendations: the offer directory links new and changed
// offers back to the recommendations that caused them, and shows them, through the steering
// room (offers.Origins).
func (a *App) wireThemes() {
	a.Offers.Origins = a.Steering
}
