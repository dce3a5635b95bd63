package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/views/pages"
)

// EmailChange changes a user's address in two steps: the account page
// mails a link to the new address, and opening it makes the change (so
// nobody moves an account to an address they cannot read). The rules are
// accounts.RequestEmailChange and ConfirmEmailChange.
type EmailChange struct {
	Accounts *accounts.Service
	post     postman
	// account shows the account page again with the form's errors.
	account *Account
	viewer
}

// Request checks the new address and the current password, then mails
// the link to the new address. Bad input shows the page again with the
// form's errors; a throttled request is the error page's 429.
func (h *EmailChange) Request(c *fiber.Ctx) error {
	u := CurrentUser(c)
	f := pages.EmailForm{NewEmail: models.NormalizeEmail(c.FormValue("new_email"))}
	out, err := h.Accounts.RequestEmailChange(c.UserContext(), origin(c), u, accounts.EmailChangeRequest{
		NewEmail: f.NewEmail, Password: c.FormValue("email_password"),
	})
	if status, r, ok := formRefusal(c, err); ok && r.Kind == models.RefusedInvalid {
		f.Errors = models.FieldErrors{}
		for field, msg := range r.Fields {
			if field == "password" {
				field = "email_password"
			}
			f.Errors.Add(field, msg)
		}
		return h.account.show(c, status, func(d *pages.AccountData) { d.Email = f })
	}
	if err != nil {
		return err
	}
	if err := h.post.send(c, emailChangeMail(*u, out.NewEmail, h.post.link("/account/email/confirm", out.Token))); err != nil {
		return err
	}
	return redirect(c, "/account?done=email-sent")
}

// Confirm serves the link mailed to the new address: it changes the
// email (now verified), makes links mailed to the old address stop
// working, and tells the old address what happened.
func (h *EmailChange) Confirm(c *fiber.Ctx) error {
	out, err := h.Accounts.ConfirmEmailChange(c.UserContext(), origin(c), c.Query("token"))
	if err != nil {
		return h.refuseLink(c, err, "/account", "Go to your account")
	}
	h.post.sendOrLog(c, emailChangedMail(out.Old, out.NewEmail), "email change notice to the old address")
	if signedInAs(c, out.Old.ID) {
		return redirect(c, "/account?done=email-verified")
	}
	return h.linkDone(c, "Email changed", "Your account now uses "+out.NewEmail+".")
}
