package handlers

import (
	"net/http"
	"sync"

	"github.com/alexedwards/scs/v2"

	"stepwise/models"
)

// SessionLifetime is how long a session's data lasts after it was
// created: the same absolute limit user_sessions enforces for signed-in
// browsers.
const SessionLifetime = models.SessionAbsoluteTimeout

// NewSessions returns the session manager: the cookie holds only a random
// token; the data lives in store. The cookie is HttpOnly and SameSite=Lax.
// On HTTPS requests it is Secure and named with the __Host- prefix (see
// sessionCookie); forceSecure does that for every request, for a
// TLS-terminating proxy that cannot be listed as trusted. Cookie.Name is
// the base name, without the prefix.
func NewSessions(store scs.Store, forceSecure bool) *scs.SessionManager {
	sm := *baseSessions() // a copy: see baseSessions
	sm.Store = store
	sm.Codec = SessionCodec{}
	sm.Lifetime = SessionLifetime
	sm.Cookie.Name = "stepwise_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = true
	sm.Cookie.Secure = forceSecure
	return &sm
}

// baseSessions is the one scs.New of the process. scs.New also starts a
// memory store whose clean-up goroutine cannot be stopped reliably (its
// stop channel is made inside the goroutine), and NewSessions replaces
// that store at once; so managers are copies of one manager, and every
// test app no longer leaks a goroutine. A copy keeps the original's
// context key, which is harmless: each request's context belongs to one
// app.
var baseSessions = sync.OnceValue(scs.New)
