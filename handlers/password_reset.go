package handlers

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// resetUsers is what password reset needs from the user store.
type resetUsers interface {
	ByEmail(ctx context.Context, email string) (models.User, error)
	ByID(ctx context.Context, id int64) (models.User, error)
}

// resetTokens is what password reset needs from the token store.
type resetTokens interface {
	tokenStore
	Peek(ctx context.Context, purpose, token string) (models.AccountToken, error)
}

// PasswordReset serves "forgot your password?": a form that mails a link,
// and the link's form for a new password. Users an admin told to reset
// their password come this way too.
type PasswordReset struct {
	Users     resetUsers
	Tokens    resetTokens
	Passwords passwordChanger
	Throttle  throttle
	Audit     auditLog
	post      postman
	viewer
}

// forgotNotices are the confirmations /password/forgot?done= may show.
var forgotNotices = map[string]string{
	"sent": "If an account exists for that address, we sent a link to choose a new password. It works for one hour.",
}

// loginNotices are the confirmations /login?done= may show.
var loginNotices = map[string]string{
	"reset":        "Your password was changed. Log in with the new one.",
	"reset-tokens": "Your password was changed and your API tokens were revoked. Log in with the new one, then create new tokens for your scripts.",
}

// ForgotForm asks for the account's email address.
func (h *PasswordReset) ForgotForm(c *fiber.Ctx) error {
	f := pages.ForgotForm{Notice: forgotNotices[c.Query("done")]}
	return render(c, fiber.StatusOK, pages.PasswordForgot(h.page(c, "Forgot your password?", true), f))
}

// Forgot mails a reset link when the address has an account, and answers
// the same either way, so the form does not tell who has an account.
// Every request counts against the address and the client, so it cannot
// be used to flood an inbox.
func (h *PasswordReset) Forgot(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := pages.ForgotForm{Email: models.NormalizeEmail(c.FormValue("email")), Errors: models.FieldErrors{}}
	if m := models.CheckEmail(f.Email); m != "" {
		f.Errors.Add("email", m)
		return render(c, fiber.StatusUnprocessableEntity, pages.PasswordForgot(h.page(c, "Forgot your password?", true), f))
	}

	keys := []string{"reset:email:" + f.Email, "reset:ip:" + c.IP()}
	wait, err := h.Throttle.Wait(ctx, keys...)
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Failed = tooManyAttempts(wait)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
		return render(c, fiber.StatusTooManyRequests, pages.PasswordForgot(h.page(c, "Forgot your password?", true), f))
	}
	if err := h.Throttle.Fail(ctx, models.AccountLimit, keys[0]); err != nil {
		return err
	}
	if err := h.Throttle.Fail(ctx, models.AddressLimit, keys[1]); err != nil {
		return err
	}

	u, err := h.Users.ByEmail(ctx, f.Email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		if err := record(c, h.Audit, models.EventPasswordResetAsked, 0, 0, "no account for the address"); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		token, err := h.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
		if err != nil {
			return err
		}
		// A failure must not show: the answer would then tell that the
		// address has an account.
		h.post.sendOrLog(c, passwordResetMail(u, h.post.link("/password/reset", token)), "password reset")
		if err := record(c, h.Audit, models.EventPasswordResetAsked, 0, u.ID, ""); err != nil {
			return err
		}
	}
	return redirect(c, "/password/forgot?done=sent")
}

// ResetForm is where the mailed link leads: a form for the new password,
// if the link still works.
func (h *PasswordReset) ResetForm(c *fiber.Ctx) error {
	token := c.Query("token")
	if _, err := h.Tokens.Peek(c.UserContext(), models.PurposeResetPassword, token); err != nil {
		return h.refuseLink(c, err, "/password/forgot", "Ask for a new link")
	}
	return render(c, fiber.StatusOK, pages.PasswordReset(h.page(c, "Choose a new password", true), pages.ResetForm{Token: token}))
}

// Reset sets the new password, uses the token, ends every session of the
// account and revokes its API tokens (whoever asked for the reset may not
// be the only one with the old password, and may have made a token with
// it), then sends the user to log in. It is one transaction.
func (h *PasswordReset) Reset(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := pages.ResetForm{Token: c.FormValue("token"), Errors: models.FieldErrors{}}
	password := c.FormValue("password")
	tok, err := h.Tokens.Peek(ctx, models.PurposeResetPassword, f.Token)
	if err != nil {
		return h.refuseLink(c, err, "/password/forgot", "Ask for a new link")
	}
	u, err := h.Users.ByID(ctx, tok.UserID)
	if err != nil {
		return err
	}
	if m := models.CheckNewPassword(password, u.Email, u.DisplayName); m != "" {
		f.Errors.Add("password", m)
		return render(c, fiber.StatusUnprocessableEntity, pages.PasswordReset(h.page(c, "Choose a new password", true), f))
	}

	// Hashed before the transaction, which holds the database's writer.
	hash, err := models.HashPassword(ctx, password)
	if err != nil {
		return err
	}
	// The link is consumed again inside the change: of two submissions
	// only one passes.
	revoked, err := h.Passwords.Change(ctx, models.PasswordChange{
		UserID: u.ID, Hash: hash, ResetToken: f.Token,
		Audit: auditEntry(c, models.EventPasswordReset, u.ID, u.ID, ""),
	})
	if err != nil {
		return h.refuseLink(c, err, "/password/forgot", "Ask for a new link")
	}
	if revoked > 0 {
		return redirect(c, "/login?done=reset-tokens")
	}
	return redirect(c, "/login?done=reset")
}
