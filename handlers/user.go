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

// userByID is what loadUser needs from the user store.
type userByID interface {
	ByID(ctx context.Context, id int64) (models.User, error)
}

// loadUser puts the session's user, if any, in the request's locals. A
// session naming a deleted user is signed out.
func loadUser(sm *scs.SessionManager, users userByID) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		id := sm.GetInt64(ctx, sessionUserID)
		if id == 0 {
			return c.Next()
		}
		u, err := users.ByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			sm.Remove(ctx, sessionUserID)
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
