package handlers

import (
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionLifetime is how long a session lasts after it was created.
const SessionLifetime = 14 * 24 * time.Hour

// NewSessions returns the session manager: the cookie holds only a random
// token; the data lives in store. The cookie is HttpOnly and SameSite=Lax,
// and Secure when users reach Stepwise over HTTPS.
func NewSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = SessionLifetime
	sm.Cookie.Name = "stepwise_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = true
	sm.Cookie.Secure = secure
	return sm
}
