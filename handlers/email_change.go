package handlers

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// changeUsers is what an email change needs from the user store.
type changeUsers interface {
	CheckPassword(ctx context.Context, user models.User, password string) (bool, error)
	ByEmail(ctx context.Context, email string) (models.User, error)
	ByID(ctx context.Context, id int64) (models.User, error)
	ChangeEmail(ctx context.Context, id int64, email string) error
}

// changeTokens is what an email change needs from the token store.
type changeTokens interface {
	tokenStore
	RevokeAll(ctx context.Context, userID int64) error
}

// EmailChange changes a user's address in two steps: the account page
// mails a link to the new address, and opening it makes the change (so
// nobody moves an account to an address they cannot read).
type EmailChange struct {
	Users    changeUsers
	Tokens   changeTokens
	Throttle throttle
	Audit    auditLog
	Tx       txRunner
	post     postman
	// account shows the account page again with the form's errors.
	account *Account
	viewer
}

// Request checks the new address and the current password, then mails
// the link to the new address. Sending is throttled per user, so the
// form cannot flood someone else's inbox.
func (h *EmailChange) Request(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	f := pages.EmailForm{NewEmail: models.NormalizeEmail(c.FormValue("new_email")), Errors: models.FieldErrors{}}
	password := c.FormValue("email_password")
	if m := models.CheckEmail(f.NewEmail); m != "" {
		f.Errors.Add("new_email", m)
	} else if f.NewEmail == u.Email {
		f.Errors.Add("new_email", "That is already your email address.")
	}
	switch ok, err := confirmPassword(ctx, h.Users, *u, password); {
	case err != nil:
		return err
	case !ok:
		f.Errors.Add("email_password", "That is not your current password.")
	}
	if !f.Errors.Any() {
		_, err := h.Users.ByEmail(ctx, f.NewEmail)
		switch {
		case err == nil:
			f.Errors.Add("new_email", "Another account already uses this address.")
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
	}
	if f.Errors.Any() {
		return h.account.show(c, fiber.StatusUnprocessableEntity, func(d *pages.AccountData) { d.Email = f })
	}

	if err := mailThrottle(c, h.Throttle, "change-email:user:"+strconv.FormatInt(u.ID, 10)); err != nil {
		return err
	}
	token, err := h.Tokens.Issue(ctx, u.ID, models.PurposeChangeEmail, f.NewEmail)
	if err != nil {
		return err
	}
	if err := h.post.send(c, emailChangeMail(*u, f.NewEmail, h.post.link("/account/email/confirm", token))); err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventEmailChangeAsked, u.ID, u.ID, ""); err != nil {
		return err
	}
	return redirect(c, "/account?done=email-sent")
}

// Confirm serves the link mailed to the new address: it changes the
// email (now verified), makes links mailed to the old address stop
// working, and tells the old address what happened.
func (h *EmailChange) Confirm(c *fiber.Ctx) error {
	var tok models.AccountToken
	var old models.User
	err := h.Tx.WithTx(c.UserContext(), func(ctx context.Context) error {
		var err error
		if tok, err = h.Tokens.Consume(ctx, models.PurposeChangeEmail, c.Query("token")); err != nil {
			return err
		}
		if old, err = h.Users.ByID(ctx, tok.UserID); err != nil {
			return err
		}
		if err := h.Users.ChangeEmail(ctx, tok.UserID, tok.Email); err != nil {
			return err
		}
		if err := h.Tokens.RevokeAll(ctx, tok.UserID); err != nil {
			return err
		}
		return h.Audit.Record(ctx, auditEntry(c, models.EventEmailChange, tok.UserID, tok.UserID, ""))
	})
	if errors.Is(err, models.ErrConflict) {
		return h.linkFailed(c, fiber.StatusConflict,
			"Another account started using this address after you asked, so your email was not changed.", "/account", "Go to your account")
	}
	if err != nil {
		return h.refuseLink(c, err, "/account", "Go to your account")
	}
	h.post.sendOrLog(c, emailChangedMail(old, tok.Email), "email change notice to the old address")
	if signedInAs(c, tok.UserID) {
		return redirect(c, "/account?done=email-verified")
	}
	return h.linkDone(c, "Email changed", "Your account now uses "+tok.Email+".")
}
