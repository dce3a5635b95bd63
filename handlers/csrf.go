package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// errCSRF is returned when an unsafe request lacks the session's token.
var errCSRF = fiber.NewError(fiber.StatusForbidden,
	"This form has expired or did not come from Stepwise. Reload the page and try again.")

// errUnreadableForm is returned for a multipart body that cannot be
// parsed, so it is not mistaken for a missing token.
var errUnreadableForm = fiber.NewError(fiber.StatusBadRequest,
	"The form could not be read. Reload the page and try again.")

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
			if bytes.HasPrefix(c.Request().Header.ContentType(), []byte(fiber.MIMEMultipartForm)) {
				// Parsed here, not before routing (app.go), so a
				// malformed body is a 400 of its own.
				if _, err := c.MultipartForm(); err != nil {
					return errUnreadableForm
				}
			}
			got = c.FormValue("csrf_token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return errCSRF
		}
		return c.Next()
	}
}
