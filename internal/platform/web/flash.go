package web

import (
	"net/http"
	"regexp"
)

// Flash messages confirm an action after a redirect (post/redirect/get). The cookie holds only a
// message id, never data.
const flashCookie = "kim_flash"

var flashID = regexp.MustCompile(`^[a-z0-9_.]{1,80}$`)

// SetFlash stores a message id for the next page.
func SetFlash(w http.ResponseWriter, r *http.Request, msgID string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: msgID, Path: "/", HttpOnly: true,
		Secure: IsSecure(r), SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// TakeFlash returns and clears the pending message id.
func TakeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || !flashID.MatchString(c.Value) {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: IsSecure(r), SameSite: http.SameSiteLaxMode})
	return c.Value
}

// Redirect answers a form post with 303 See Other and a flash message.
func Redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		SetFlash(w, r, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
