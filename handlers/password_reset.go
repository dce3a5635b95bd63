package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views/pages"
)

// PasswordReset serves "forgot your password?": a form that mails a link,
// and the link's form for a new password (accounts.RequestPasswordReset,
// ResetPassword). Users an admin told to reset their password come this
// way too.
type PasswordReset struct {
	Accounts *accounts.Service
	post     postman
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
// the same either way, so the form does not tell who has an account. A
// refusal (a malformed address, too many requests) shows the form again.
func (h *PasswordReset) Forgot(c *fiber.Ctx) error {
	f := pages.ForgotForm{Email: models.NormalizeEmail(c.FormValue("email"))}
	out, err := h.Accounts.RequestPasswordReset(c.UserContext(), origin(c), f.Email)
	if status, r, ok := formRefusal(c, err); ok {
		f.Errors, f.Failed = r.Fields, formMessage(r)
		return render(c, status, pages.PasswordForgot(h.page(c, "Forgot your password?", true), f))
	}
	if err != nil {
		return err
	}
	if out.User != nil {
		// A failure must not show: the answer would then tell that the
		// address has an account.
		h.post.sendOrLog(c, passwordResetMail(*out.User, h.post.link("/password/reset", out.Token)), "password reset")
	}
	return redirect(c, "/password/forgot?done=sent")
}

// ResetForm is where the mailed link leads: a form for the new password,
// if the link still works.
func (h *PasswordReset) ResetForm(c *fiber.Ctx) error {
	token := c.Query("token")
	if err := h.Accounts.CheckResetLink(c.UserContext(), token); err != nil {
		return h.refuseLink(c, err, "/password/forgot", "Ask for a new link")
	}
	return render(c, fiber.StatusOK, pages.PasswordReset(h.page(c, "Choose a new password", true), pages.ResetForm{Token: token}))
}

// Reset sets the new password (accounts.ResetPassword: the link is used,
// every session of the account ends and its API tokens are revoked),
// then sends the user to log in. A weak password shows the form again;
// a link that no longer works says why.
func (h *PasswordReset) Reset(c *fiber.Ctx) error {
	f := pages.ResetForm{Token: c.FormValue("token")}
	revoked, err := h.Accounts.ResetPassword(c.UserContext(), origin(c), f.Token, c.FormValue("password"))
	if status, r, ok := formRefusal(c, err); ok && r.Kind == models.RefusedInvalid {
		f.Errors = r.Fields
		return render(c, status, pages.PasswordReset(h.page(c, "Choose a new password", true), f))
	}
	if err != nil {
		return h.refuseLink(c, err, "/password/forgot", "Ask for a new link")
	}
	if revoked > 0 {
		return redirect(c, "/login?done=reset-tokens")
	}
	return redirect(c, "/login?done=reset")
}
