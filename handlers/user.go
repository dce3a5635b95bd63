package handlers

import (
	"context"
	"errors"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

type userKey struct{}

// CurrentUser returns the signed-in user, or nil for a visitor.
func CurrentUser(c *fiber.Ctx) *models.User {
	u, _ := c.Locals(userKey{}).(*models.User)
	return u
}

// currentSession is what loadUser needs from the session store.
type currentSession interface {
	Current(ctx context.Context, id, ip string) (models.User, error)
}

// loadUser puts the session's user, if any, in the request's locals. The
// session holds only the id of a user_sessions row; a row that was ended
// (signed out elsewhere, expired, account locked or deleted) signs the
// browser out.
func loadUser(sm *scs.SessionManager, sessions currentSession) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		sid := sm.GetString(ctx, sessionID)
		if sid == "" {
			return c.Next()
		}
		u, err := sessions.Current(ctx, sid, c.IP())
		if errors.Is(err, models.ErrSessionNotTouched) && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
			// Only the last-seen time went unrecorded (a full disk):
			// that must not stop a page from being read.
			Logger(ctx).Warn("serving a read although the session's last-seen time was not recorded",
				"err", err, "storage_full", models.IsStorageFull(err))
			err = nil
		}
		if errors.Is(err, models.ErrNotFound) {
			// The browser is a visitor again, and visitors keep no
			// session row: delete it and expire the cookie.
			if err := sm.Destroy(ctx); err != nil {
				return err
			}
			return c.Next()
		}
		if err != nil {
			return err
		}
		c.Locals(userKey{}, &u)
		return c.Next()
	}
}

// requireUser sends a visitor to log in, with a way back to where they
// were; for a form post the way back is the page the form was on.
func requireUser(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Next()
	}
	return redirect(c, "/login?next="+loginReturn(c))
}

// errForbidden is the answer when a signed-in user may not do something.
var errForbidden = fiber.NewError(fiber.StatusForbidden, "You do not have permission to do that.")
