package handlers

import (
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// Session keys.
const (
	// sessionID names the user_sessions row of a signed-in browser.
	sessionID   = "sid"
	sessionCSRF = "csrf"
	// sessionPending holds the user id between a correct password and a
	// correct second factor.
	sessionPending = "pending_user"
)

// sessions loads the session named by the cookie into the request's
// context, runs the handler, then saves the session if it changed and
// writes (or expires) the cookie. It is scs's LoadAndSave rebuilt on
// Load/Commit, because Fiber's requests are not net/http requests.
func sessions(sm *scs.SessionManager) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Vary("Cookie")
		ctx, err := sm.Load(c.UserContext(), c.Cookies(sm.Cookie.Name))
		if err != nil {
			return err
		}
		c.SetUserContext(ctx)

		herr := c.Next()

		switch sm.Status(ctx) {
		case scs.Modified:
			token, expiry, err := sm.Commit(ctx)
			if err != nil {
				return err
			}
			setSessionCookie(c, sm, token, expiry)
		case scs.Destroyed:
			setSessionCookie(c, sm, "", time.Time{})
		}
		return herr
	}
}

func setSessionCookie(c *fiber.Ctx, sm *scs.SessionManager, token string, expiry time.Time) {
	ck := &fiber.Cookie{
		Name:     sm.Cookie.Name,
		Value:    token,
		Path:     sm.Cookie.Path,
		Domain:   sm.Cookie.Domain,
		HTTPOnly: sm.Cookie.HttpOnly,
		Secure:   sm.Cookie.Secure,
		SameSite: sameSite(sm.Cookie.SameSite),
	}
	if expiry.IsZero() {
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	} else if sm.Cookie.Persist {
		ck.Expires = time.Unix(expiry.Unix()+1, 0)
		ck.MaxAge = int(time.Until(expiry).Seconds() + 1)
	}
	c.Cookie(ck)
	c.Set("Cache-Control", `no-cache="Set-Cookie"`)
}

func sameSite(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return fiber.CookieSameSiteStrictMode
	case http.SameSiteNoneMode:
		return fiber.CookieSameSiteNoneMode
	default:
		return fiber.CookieSameSiteLaxMode
	}
}
