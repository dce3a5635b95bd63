package handlers

import (
	"context"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views/pages"
)

// accountSessions is what the account page needs from the session store.
type accountSessions interface {
	List(ctx context.Context, userID int64) ([]models.UserSession, error)
}

// accountAPITokens is what the password form needs from the API tokens:
// how many work.
type accountAPITokens interface {
	CountActive(ctx context.Context, userID int64) (int, error)
}

// auditReader lists audit entries.
type auditReader interface {
	List(ctx context.Context, f models.AuditFilter) ([]models.AuditEntry, bool, error)
}

// recoveryCounter counts a user's unused two-factor recovery codes.
type recoveryCounter interface {
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
}

// Account serves the signed-in user's account page and its actions; the
// actions are the accounts operations.
type Account struct {
	Accounts     *accounts.Service
	UserSessions accountSessions
	APITokens    accountAPITokens
	Audit        auditReader
	TwoFactor    recoveryCounter
	Sessions     *scs.SessionManager
	viewer
}

// accountEventsShown is how many recent security events the page lists.
const accountEventsShown = 15

// data loads everything the account page shows.
func (h *Account) data(c *fiber.Ctx, u *models.User) (pages.AccountData, error) {
	ctx := c.UserContext()
	d := pages.AccountData{User: *u, CurrentSession: h.Sessions.GetString(ctx, sessionID)}
	var err error
	if d.Sessions, err = h.UserSessions.List(ctx, u.ID); err != nil {
		return d, err
	}
	if d.Events, _, err = h.Audit.List(ctx, models.AuditFilter{UserID: u.ID, Limit: accountEventsShown}); err != nil {
		return d, err
	}
	if d.Password.ActiveTokens, err = h.APITokens.CountActive(ctx, u.ID); err != nil {
		return d, err
	}
	if u.TwoFactor() {
		if d.TwoFactorRecoveryLeft, err = h.TwoFactor.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

// show renders the account page with status, after adjust fills in a
// notice or a form's errors.
func (h *Account) show(c *fiber.Ctx, status int, adjust func(*pages.AccountData)) error {
	u := CurrentUser(c)
	d, err := h.data(c, u)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&d)
	}
	return render(c, status, pages.Account(h.page(c, "Your account", true), d))
}

// Show is the account page. ?done= names a finished action to confirm.
func (h *Account) Show(c *fiber.Ctx) error {
	if u := CurrentUser(c); !models.CanManageAccount(u, u) {
		return errForbidden
	}
	notice := accountNotices[c.Query("done")]
	return h.show(c, fiber.StatusOK, func(d *pages.AccountData) { d.Notice = notice })
}

// accountNotices are the confirmations ?done= may ask for; anything else
// shows nothing, so the query cannot put arbitrary text on the page.
var accountNotices = map[string]string{
	"password":        "Your password was changed. Every other browser was signed out; your API tokens still work.",
	"password-tokens": "Your password was changed. Every other browser was signed out and your API tokens were revoked.",
	"session":         "That browser was signed out.",
	"sessions":        "Every other browser was signed out.",
	"twofactor-on":    "Two-factor authentication is on.",
	"twofactor-off":   "Two-factor authentication is off.",
	"email-verified":  "Your email address is verified.",
	"email-sent":      "We sent a link to your new address. Your email changes when you open it.",
	"verify-sent":     "We sent you a new verification link.",
}

// ChangePassword sets a new password after checking the current one
// (accounts.ChangePassword), ending every other session and, with the
// box ticked, revoking the user's API tokens. Bad input shows the page
// again with the form's errors.
func (h *Account) ChangePassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	revokeTokens := c.FormValue("revoke_tokens") != ""
	_, err := h.Accounts.ChangePassword(ctx, origin(c), CurrentUser(c), accounts.PasswordChange{
		Current: c.FormValue("current_password"), New: c.FormValue("new_password"),
		RevokeTokens: revokeTokens, KeepSession: h.Sessions.GetString(ctx, sessionID),
	})
	if status, r, ok := formRefusal(c, err); ok && len(r.Fields) > 0 {
		return h.show(c, status, func(d *pages.AccountData) {
			d.Password.Errors, d.Password.RevokeTokens = r.Fields, revokeTokens
		})
	}
	if err != nil {
		return err
	}
	// A privilege change: renew the session token too, after the
	// transaction: the session store writes through the writer's one
	// connection, which the transaction holds until it ends.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	if revokeTokens {
		return redirect(c, "/account?done=password-tokens")
	}
	return redirect(c, "/account?done=password")
}

// RevokeSession signs out one of the user's other browsers.
func (h *Account) RevokeSession(c *fiber.Ctx) error {
	if err := h.Accounts.RevokeSession(c.UserContext(), origin(c), CurrentUser(c), c.Params("id")); err != nil {
		return err
	}
	return redirect(c, "/account?done=session")
}

// RevokeOthers signs out every browser but this one.
func (h *Account) RevokeOthers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := h.Accounts.RevokeOtherSessions(ctx, origin(c), CurrentUser(c), h.Sessions.GetString(ctx, sessionID)); err != nil {
		return err
	}
	return redirect(c, "/account?done=sessions")
}

// Export downloads everything Stepwise holds about the user as JSON
// (accounts.ExportData, which records the export).
func (h *Account) Export(c *fiber.Ctx) error {
	data, err := h.Accounts.ExportData(c.UserContext(), origin(c), CurrentUser(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="stepwise-my-data.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(data)
}

// Delete removes the account after the password is confirmed
// (accounts.DeleteAccount); a refusal (a wrong password, the last admin)
// shows the page again with the message on the password field.
func (h *Account) Delete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	err := h.Accounts.DeleteAccount(ctx, origin(c), CurrentUser(c), c.FormValue("delete_password"))
	if status, r, ok := formRefusal(c, err); ok && r.Kind != models.RefusedForbidden {
		msg := r.Fields["password"]
		if msg == "" {
			msg = r.Reason
		}
		errs := models.FieldErrors{"delete_password": msg}
		return h.show(c, status, func(d *pages.AccountData) { d.Delete.Errors = errs })
	}
	if err != nil {
		return err
	}
	if err := h.Sessions.Destroy(ctx); err != nil {
		return err
	}
	return redirect(c, "/")
}
