package handlers

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/admin"
	"stepwise/views/pages"
)

// adminUserLister is what the admin users page reads from the user store.
type adminUserLister interface {
	List(ctx context.Context, q string, page, size int) ([]models.User, models.Page, error)
}

// usersPerPage is how many users the admin list shows at once.
const usersPerPage = 50

// AdminUsers serves the admin's users list and actions on accounts; the
// actions are admin.Service's operations, shared with the API.
type AdminUsers struct {
	Users adminUserLister
	Admin *admin.Service
	viewer
}

// Index lists users, searched by ?q= (email or name) and paginated.
func (h *AdminUsers) Index(c *fiber.Ctx) error {
	if !models.CanListUsers(CurrentUser(c)) {
		return errForbidden
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

// list shows the users page. After a refused action (a POST) the search
// comes back from the form's hidden field, so the admin stays where they
// were; FormValue reads the query string first, so GET is unchanged.
func (h *AdminUsers) list(c *fiber.Ctx, status int, problem, notice string) error {
	q := c.FormValue("q")
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

// paramID is the id the URL names (an account, a webhook); a malformed
// one is not found.
func paramID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// done sends the admin back to the list (keeping the search) with a notice.
func (h *AdminUsers) done(c *fiber.Ctx, notice string) error {
	back := "/admin/users?done=" + notice
	if q := c.FormValue("q"); q != "" {
		back += "&q=" + url.QueryEscape(q)
	}
	return redirect(c, back)
}

// SetRole changes a user's role.
func (h *AdminUsers) SetRole(c *fiber.Ctx) error {
	role := c.FormValue("role")
	return h.change(c, admin.UserChange{Role: &role}, "role")
}

// Lock locks an account and ends its sessions.
func (h *AdminUsers) Lock(c *fiber.Ctx) error {
	locked := true
	return h.change(c, admin.UserChange{Locked: &locked}, "lock")
}

// Unlock unlocks an account.
func (h *AdminUsers) Unlock(c *fiber.Ctx) error {
	locked := false
	return h.change(c, admin.UserChange{Locked: &locked}, "unlock")
}

// change applies ch to the account in the URL and confirms with notice.
func (h *AdminUsers) change(c *fiber.Ctx, ch admin.UserChange, notice string) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := h.Admin.ChangeUser(c.UserContext(), CurrentUser(c), origin(c), id, ch); err != nil {
		return h.refused(c, err)
	}
	return h.done(c, notice)
}

// ForceReset makes the user choose a new password before signing in.
func (h *AdminUsers) ForceReset(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := h.Admin.ForcePasswordReset(c.UserContext(), CurrentUser(c), origin(c), id); err != nil {
		return err
	}
	return h.done(c, "reset")
}

// refused shows a refusal of an action above the list: a role that is
// not one, or the last admin. Who may not act, or on an account that is
// not there, gets the error page.
func (h *AdminUsers) refused(c *fiber.Ctx, err error) error {
	r, ok := models.AsRefusal(err)
	if !ok || r.Kind != models.RefusedInvalid && r.Kind != models.RefusedRule {
		return err
	}
	problem := r.Reason
	if msg, ok := r.Fields["role"]; ok {
		problem = msg
	}
	return h.list(c, refusal.Status(r.Kind), problem, "")
}
