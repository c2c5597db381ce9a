package offers

// SetMaxPDF sets the most offers a printed list holds and returns a function that restores it.
func SetMaxPDF(n int) (restore func()) {
	old := maxPDF
	maxPDF = n
	return func() { maxPDF = old }
}
