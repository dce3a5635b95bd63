package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/admin"
)

// userStore is what the admin user endpoints read.
type userStore interface {
	ByID(ctx context.Context, id int64) (models.User, error)
	UsersAfter(ctx context.Context, q string, after int64, limit int) ([]models.User, error)
}

// Users serves /api/v1/users: the admin users page over JSON, with its
// operations (admin.Service). The routes need a token with the admin
// scope; the owner must be an admin too.
type Users struct {
	Users userStore
	Admin *admin.Service
}

// List answers GET /api/v1/users: accounts whose email or name contains
// ?q, in id order, in pages.
func (h *Users) List(c *fiber.Ctx) error {
	if !models.CanListUsers(caller(c)) {
		return errForbidden
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
	if !models.CanListUsers(caller(c)) {
		return errForbidden
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

// Update answers PATCH /api/v1/users/{id} (If-Match): change the role,
// lock or unlock, through the admin page's operation — never one's own
// account (403), never the last admin (409) — with its audit events.
func (h *Users) Update(c *fiber.Ctx) error {
	u := caller(c)
	if err := admin.MayChangeUsers(u); err != nil {
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
	changed, err := h.Admin.ChangeUser(c.UserContext(), u, origin(c), id, admin.UserChange{
		Role: in.Role, Locked: in.Locked,
		Precondition: func(current models.User) error { return requireMatch(c, accountOf(current)) },
	})
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, accountOf(changed.After))
}
