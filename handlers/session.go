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
		name, _ := sessionCookie(c, sm)
		ctx, err := sm.Load(c.UserContext(), c.Cookies(name))
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

// hostCookiePrefix makes browsers accept the cookie only if it is Secure,
// has Path=/ and no Domain, and was set over HTTPS: so neither a plain-HTTP
// response (which an attacker on the network can forge) nor a subdomain can
// plant or overwrite the HTTPS session cookie.
const hostCookiePrefix = "__Host-"

// sessionCookie returns the session cookie's name for this request and
// whether it is Secure: "__Host-stepwise_session", Secure, when the client
// reached us over HTTPS (directly, or as a trusted proxy says) or Secure is
// forced in the configuration; "stepwise_session" otherwise. A browser thus
// keeps separate sessions for HTTP and HTTPS, and the HTTPS one cannot be
// set from HTTP.
func sessionCookie(c *fiber.Ctx, sm *scs.SessionManager) (name string, secure bool) {
	if sm.Cookie.Secure || c.Secure() {
		return hostCookiePrefix + sm.Cookie.Name, true
	}
	return sm.Cookie.Name, false
}

func setSessionCookie(c *fiber.Ctx, sm *scs.SessionManager, token string, expiry time.Time) {
	name, secure := sessionCookie(c, sm)
	ck := &fiber.Cookie{
		Name:     name,
		Value:    token,
		Path:     sm.Cookie.Path,
		Domain:   sm.Cookie.Domain,
		HTTPOnly: sm.Cookie.HttpOnly,
		Secure:   secure,
		SameSite: sameSite(sm.Cookie.SameSite),
	}
	if secure {
		// What the __Host- prefix requires.
		ck.Path, ck.Domain = "/", ""
	}
	if expiry.IsZero() {
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	} else if sm.Cookie.Persist {
		ck.Expires = time.Unix(expiry.Unix()+1, 0)
		ck.MaxAge = int(time.Until(expiry).Seconds() + 1)
	}
	c.Cookie(ck)
	// Keep a shared cache from storing the cookie; a handler's own, stricter
	// Cache-Control (pages say "no-cache, private", secrets "no-store") wins.
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, `no-cache="Set-Cookie"`)
	}
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
