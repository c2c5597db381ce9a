package app

// wireOffers connects the offer directory: casework's offer catalogue for referrals, the steering room's recommendation links (owned by the offers work).
func (a *App) wireOffers() {}
