package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// userStore is what the admin user endpoints need.
type userStore interface {
	ByID(ctx context.Context, id int64) (models.User, error)
	UsersAfter(ctx context.Context, q string, after int64, limit int) ([]models.User, error)
	Change(ctx context.Context, id int64, ch models.UserChange, check func(models.User) error) (models.User, models.User, error)
}

// Users serves /api/v1/users: the admin users page over JSON. The routes
// need a token with the admin scope; the owner must be an admin too.
type Users struct {
	Users userStore
	Audit auditLog
}

// List answers GET /api/v1/users: accounts whose email or name contains
// ?q, in id order, in pages.
func (h *Users) List(c *fiber.Ctx) error {
	if err := allow(c, models.ListUsers, nil); err != nil {
		return err
	}
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	if len(q) > 200 {
		return queryProblem("q", "Use at most 200 characters.")
	}
	users, err := h.Users.UsersAfter(c.UserContext(), q, after, limit+1)
	if err != nil {
		return err
	}
	items := make([]Account, len(users))
	for i, u := range users {
		items[i] = accountOf(u)
	}
	return send(c, fiber.StatusOK, listOf(c, items, limit, func(a Account) int64 { return a.ID }))
}

// Show answers GET /api/v1/users/{id}.
func (h *Users) Show(c *fiber.Ctx) error {
	if err := allow(c, models.ListUsers, nil); err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.Users.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, accountOf(u))
}

// userPatch is the body of PATCH /api/v1/users/{id}; absent fields stay.
type userPatch struct {
	Role   *string `json:"role"`
	Locked *bool   `json:"locked"`
}

// errOwnAccount is the policy's refusal to act on one's own account here.
var errOwnAccount = problem(fiber.StatusForbidden, "Admins change their own account from the account page, not here.")

// Update answers PATCH /api/v1/users/{id} (If-Match): change the role,
// lock or unlock, with the admin page's rules — never one's own account,
// never the last admin (409) — and its audit events.
func (h *Users) Update(c *fiber.Ctx) error {
	if err := allow(c, models.ListUsers, nil); err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in userPatch
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Role != nil && !models.ValidRole(*in.Role) {
		return invalid(models.FieldErrors{"role": "Use learner, author or admin."})
	}
	admin := caller(c)
	before, after, err := h.Users.Change(c.UserContext(), id, models.UserChange{Role: in.Role, Locked: in.Locked}, func(u models.User) error {
		if in.Role != nil && !models.Can(admin, models.ChangeRole, &u) || in.Locked != nil && !models.Can(admin, models.LockUser, &u) {
			return errOwnAccount
		}
		return requireMatch(c, accountOf(u))
	})
	if errors.Is(err, models.ErrLastAdmin) {
		p := problem(fiber.StatusConflict, "That would leave Stepwise without an admin. Make someone else an admin first.")
		p.Type = "/api/docs#last-admin"
		return p
	}
	if err != nil {
		return err
	}
	if before.Role != after.Role {
		if err := record(c, h.Audit, models.EventRoleChange, admin.ID, id, fmt.Sprintf("%s → %s", before.Role, after.Role)); err != nil {
			return err
		}
	}
	if before.Locked() != after.Locked() {
		event := models.EventUnlock
		if after.Locked() {
			event = models.EventLock
		}
		if err := record(c, h.Audit, event, admin.ID, id, ""); err != nil {
			return err
		}
	}
	return send(c, fiber.StatusOK, accountOf(after))
}
