package handlers

import (
	"context"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
)

// pendingUsers is what the login's second step needs from the user
// store: the account waiting to give its code.
type pendingUsers interface {
	ByID(ctx context.Context, id int64) (models.User, error)
}

// TwoFactor serves setting up two-factor authentication, signing in with
// a code, and turning it off. Every action is on the signed-in (or, for
// the login step, the pending) user only: no route takes a user id. The
// rules are the accounts operations'.
type TwoFactor struct {
	Accounts *accounts.Service
	Users    pendingUsers
	Sessions *scs.SessionManager
	// Devices recognises browsers that signed in before (device_cookie.go).
	Devices *devices
	// Account shows the account page again with a form's errors.
	Account *Account
	viewer
}

// noStore keeps pages that show a secret (the TOTP key, recovery codes)
// out of every cache, the browser's history cache included. It sits
// outside the session middleware, whose own Cache-Control would replace
// a handler's.
func noStore(c *fiber.Ctx) error {
	err := c.Next()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return err
}
