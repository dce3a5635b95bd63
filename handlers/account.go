package handlers

import (
	"context"
	"errors"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// accountUsers is what the account page needs from the user store.
type accountUsers interface {
	CheckPassword(ctx context.Context, user models.User, password string) (bool, error)
	Delete(ctx context.Context, id int64) error
	Export(ctx context.Context, id int64) (models.UserExport, error)
}

// accountSessions is what the account page needs from the session store.
type accountSessions interface {
	List(ctx context.Context, userID int64) ([]models.UserSession, error)
	Delete(ctx context.Context, userID int64, id string) error
	DeleteOthers(ctx context.Context, userID int64, keep string) (int64, error)
}

// accountAPITokens is what the password form needs from the API tokens:
// how many work, and revoking them all.
type accountAPITokens interface {
	CountActive(ctx context.Context, userID int64) (int, error)
	RevokeAll(ctx context.Context, userID int64) (int64, error)
}

// auditReader lists audit entries.
type auditReader interface {
	auditLog
	List(ctx context.Context, f models.AuditFilter) ([]models.AuditEntry, bool, error)
}

// recoveryCounter counts a user's unused two-factor recovery codes.
type recoveryCounter interface {
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
}

// Account serves the signed-in user's account page and its actions.
type Account struct {
	Users        accountUsers
	UserSessions accountSessions
	APITokens    accountAPITokens
	Audit        auditReader
	TwoFactor    recoveryCounter
	Sessions     *scs.SessionManager
	Passwords    passwordChanger
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
	if err := allow(c, models.ManageAccount, CurrentUser(c)); err != nil {
		return err
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

// ChangePassword sets a new password after checking the current one, and
// ends every other session; with the box ticked it revokes the user's API
// tokens too. It is one transaction: the password does not change without
// the sessions and tokens it promised to end.
func (h *Account) ChangePassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	current, next := c.FormValue("current_password"), c.FormValue("new_password")
	revokeTokens := c.FormValue("revoke_tokens") != ""
	errs := models.FieldErrors{}
	switch ok, err := confirmPassword(ctx, h.Users, *u, current); {
	case err != nil:
		return err
	case !ok:
		errs.Add("current_password", "That is not your current password.")
	}
	if m := models.CheckNewPassword(next, u.Email, u.DisplayName); m != "" {
		errs.Add("new_password", m)
	} else if next == current {
		errs.Add("new_password", "Choose a password different from your current one.")
	}
	if errs.Any() {
		return h.show(c, fiber.StatusUnprocessableEntity, func(d *pages.AccountData) {
			d.Password.Errors, d.Password.RevokeTokens = errs, revokeTokens
		})
	}
	// Hashed before the transaction, which holds the database's writer.
	hash, err := models.HashPassword(ctx, next)
	if err != nil {
		return err
	}
	_, err = h.Passwords.Change(ctx, models.PasswordChange{
		UserID: u.ID, Hash: hash, KeepSession: h.Sessions.GetString(ctx, sessionID),
		RevokeTokens: revokeTokens, Audit: auditEntry(c, models.EventPasswordChange, u.ID, u.ID, ""),
	})
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

// passwordChanger changes a password with what goes with it
// (models.Passwords).
type passwordChanger interface {
	Change(ctx context.Context, ch models.PasswordChange) (int64, error)
}

// RevokeSession signs out one of the user's other browsers.
func (h *Account) RevokeSession(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	id := c.Params("id")
	// Deleting by (id, user) means another user's session id does nothing.
	if err := h.UserSessions.Delete(c.UserContext(), u.ID, id); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventSessionRevoked, u.ID, u.ID, "one session"); err != nil {
		return err
	}
	return redirect(c, "/account?done=session")
}

// RevokeOthers signs out every browser but this one.
func (h *Account) RevokeOthers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	if _, err := h.UserSessions.DeleteOthers(ctx, u.ID, h.Sessions.GetString(ctx, sessionID)); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventSessionRevoked, u.ID, u.ID, "all other sessions"); err != nil {
		return err
	}
	return redirect(c, "/account?done=sessions")
}

// Export downloads everything Stepwise holds about the user as JSON.
func (h *Account) Export(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	data, err := h.Users.Export(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventDataExport, u.ID, u.ID, ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="stepwise-my-data.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(data)
}

// Delete removes the account after the password is confirmed.
func (h *Account) Delete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	switch ok, err := confirmPassword(ctx, h.Users, *u, c.FormValue("delete_password")); {
	case err != nil:
		return err
	case !ok:
		errs := models.FieldErrors{"delete_password": "That is not your password."}
		return h.show(c, fiber.StatusUnprocessableEntity, func(d *pages.AccountData) { d.Delete.Errors = errs })
	}
	err := h.Users.Delete(ctx, u.ID)
	if errors.Is(err, models.ErrLastAdmin) {
		errs := models.FieldErrors{"delete_password": "You are the only admin. Make someone else an admin first."}
		return h.show(c, fiber.StatusConflict, func(d *pages.AccountData) { d.Delete.Errors = errs })
	}
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventAccountDeleted, u.ID, u.ID, ""); err != nil {
		return err
	}
	if err := h.Sessions.Destroy(ctx); err != nil {
		return err
	}
	return redirect(c, "/")
}
