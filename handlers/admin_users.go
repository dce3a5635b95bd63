package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// adminUserStore is what the admin users page needs from the user store.
type adminUserStore interface {
	ByID(ctx context.Context, id int64) (models.User, error)
	List(ctx context.Context, q string, page, size int) ([]models.User, models.Page, error)
	SetRole(ctx context.Context, id int64, role string) error
	SetLocked(ctx context.Context, id int64, locked bool) error
	ForcePasswordReset(ctx context.Context, id int64) error
}

// usersPerPage is how many users the admin list shows at once.
const usersPerPage = 50

// AdminUsers serves the admin's users list and actions on accounts.
type AdminUsers struct {
	Users adminUserStore
	Audit auditLog
	viewer
}

// Index lists users, searched by ?q= (email or name) and paginated.
func (h *AdminUsers) Index(c *fiber.Ctx) error {
	if err := allow(c, models.ListUsers, nil); err != nil {
		return err
	}
	return h.list(c, fiber.StatusOK, "", adminNotices[c.Query("done")])
}

// adminNotices are the confirmations ?done= may ask for.
var adminNotices = map[string]string{
	"role":   "Role changed.",
	"lock":   "Account locked; its sessions were ended.",
	"unlock": "Account unlocked.",
	"reset":  "The user must choose a new password before signing in again; their sessions were ended.",
}

func (h *AdminUsers) list(c *fiber.Ctx, status int, problem, notice string) error {
	q := c.Query("q")
	if len(q) > 200 {
		q = q[:200]
	}
	page := c.QueryInt("page", 1)
	if page < 1 || page > 100000 {
		page = 1
	}
	users, pg, err := h.Users.List(c.UserContext(), q, page, usersPerPage)
	if err != nil {
		return err
	}
	return render(c, status, pages.AdminUsers(h.page(c, "Users", true), pages.AdminUsersData{
		Users: users, Page: pg, Query: q, Problem: problem, Notice: notice, Roles: models.Roles,
	}))
}

// target loads the user named by :id and checks the admin may do a to it.
func (h *AdminUsers) target(c *fiber.Ctx, a models.Action) (models.User, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.User{}, models.ErrNotFound
	}
	if !CurrentUser(c).IsAdmin() {
		return models.User{}, errForbidden
	}
	u, err := h.Users.ByID(c.UserContext(), id)
	if err != nil {
		return u, err
	}
	if err := allow(c, a, &u); err != nil {
		return u, fiber.NewError(fiber.StatusForbidden, "Admins change their own account from the account page, not here.")
	}
	return u, nil
}

// done sends the admin back to the list (keeping the search) with a notice.
func (h *AdminUsers) done(c *fiber.Ctx, notice string) error {
	back := "/admin/users?done=" + notice
	if q := c.FormValue("q"); q != "" {
		back += "&q=" + url.QueryEscape(q)
	}
	return redirect(c, back)
}

// lastAdmin re-renders the list explaining why the change was refused.
func (h *AdminUsers) lastAdmin(c *fiber.Ctx) error {
	return h.list(c, fiber.StatusConflict, "That would leave Stepwise without an admin. Make someone else an admin first.", "")
}

// SetRole changes a user's role.
func (h *AdminUsers) SetRole(c *fiber.Ctx) error {
	u, err := h.target(c, models.ChangeRole)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if !models.ValidRole(role) {
		return fiber.NewError(fiber.StatusBadRequest, "Choose learner, author or admin.")
	}
	err = h.Users.SetRole(c.UserContext(), u.ID, role)
	if errors.Is(err, models.ErrLastAdmin) {
		return h.lastAdmin(c)
	}
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventRoleChange, CurrentUser(c).ID, u.ID, fmt.Sprintf("%s → %s", u.Role, role)); err != nil {
		return err
	}
	return h.done(c, "role")
}

// Lock locks an account and ends its sessions.
func (h *AdminUsers) Lock(c *fiber.Ctx) error { return h.setLocked(c, true) }

// Unlock unlocks an account.
func (h *AdminUsers) Unlock(c *fiber.Ctx) error { return h.setLocked(c, false) }

func (h *AdminUsers) setLocked(c *fiber.Ctx, locked bool) error {
	u, err := h.target(c, models.LockUser)
	if err != nil {
		return err
	}
	err = h.Users.SetLocked(c.UserContext(), u.ID, locked)
	if errors.Is(err, models.ErrLastAdmin) {
		return h.lastAdmin(c)
	}
	if err != nil {
		return err
	}
	event, notice := models.EventUnlock, "unlock"
	if locked {
		event, notice = models.EventLock, "lock"
	}
	if err := record(c, h.Audit, event, CurrentUser(c).ID, u.ID, ""); err != nil {
		return err
	}
	return h.done(c, notice)
}

// ForceReset makes the user choose a new password before signing in.
func (h *AdminUsers) ForceReset(c *fiber.Ctx) error {
	u, err := h.target(c, models.ForceReset)
	if err != nil {
		return err
	}
	if err := h.Users.ForcePasswordReset(c.UserContext(), u.ID); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventForceReset, CurrentUser(c).ID, u.ID, ""); err != nil {
		return err
	}
	return h.done(c, "reset")
}
