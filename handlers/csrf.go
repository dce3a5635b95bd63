package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// errCSRF is returned when an unsafe request lacks the session's token.
var errCSRF = fiber.NewError(fiber.StatusForbidden,
	"This form has expired or did not come from Stepwise. Reload the page and try again.")

// csrfToken returns the session's CSRF token, creating it on first use, so
// pages without forms never create a session.
func csrfToken(c *fiber.Ctx, sm *scs.SessionManager) string {
	ctx := c.UserContext()
	if t := sm.GetString(ctx, sessionCSRF); t != "" {
		return t
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	t := base64.RawURLEncoding.EncodeToString(b[:])
	sm.Put(ctx, sessionCSRF, t)
	return t
}

// csrf refuses unsafe requests (anything but GET, HEAD, OPTIONS) whose
// csrf_token form field or X-CSRF-Token header does not match the
// session's token. Nothing is written for a refused request.
func csrf(sm *scs.SessionManager) fiber.Handler {
	return func(c *fiber.Ctx) error {
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			return c.Next()
		}
		want := sm.GetString(c.UserContext(), sessionCSRF)
		got := c.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("csrf_token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return errCSRF
		}
		return c.Next()
	}
}
