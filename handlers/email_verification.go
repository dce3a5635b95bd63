package handlers

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// tokenIssuer issues the tokens mailed in links.
type tokenIssuer interface {
	Issue(ctx context.Context, userID int64, purpose, email string) (string, error)
}

// tokenStore issues and uses the tokens mailed in links.
type tokenStore interface {
	tokenIssuer
	Consume(ctx context.Context, purpose, token string) (models.AccountToken, error)
}

// emailVerifier is what verification needs from the user store.
type emailVerifier interface {
	MarkEmailVerified(ctx context.Context, id int64, email string) (bool, error)
}

// EmailVerification mails new users a link that proves their address,
// and serves that link.
type EmailVerification struct {
	Users    emailVerifier
	Tokens   tokenStore
	Throttle throttle
	Audit    auditLog
	Tx       txRunner
	post     postman
	viewer
}

// SendFirst mails a new user their link. Sign-up does not fail when the
// mail does: the failure is logged and the account page offers a resend.
func (h *EmailVerification) SendFirst(c *fiber.Ctx, u models.User) {
	if err := h.send(c, u); err != nil {
		Logger(c.UserContext()).Error("verification mail not sent; the user can resend it from the account page",
			"err", err, "user_id", u.ID)
	}
}

func (h *EmailVerification) send(c *fiber.Ctx, u models.User) error {
	token, err := h.Tokens.Issue(c.UserContext(), u.ID, models.PurposeVerifyEmail, u.Email)
	if err != nil {
		return err
	}
	return h.post.send(c, verificationMail(u, h.post.link("/email/verify", token)))
}

// Resend mails the signed-in user a new link (the older one stops
// working). It is throttled per user, so it cannot flood an inbox.
func (h *EmailVerification) Resend(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	if u.EmailVerifiedAt != nil {
		return redirect(c, "/account?done=email-verified")
	}
	if err := mailThrottle(c, h.Throttle, "verify:user:"+strconv.FormatInt(u.ID, 10)); err != nil {
		return err
	}
	if err := h.send(c, *u); err != nil {
		return err
	}
	return redirect(c, "/account?done=verify-sent")
}

// Verify serves the mailed link: it uses the token and marks the address
// verified, if it is still the account's address.
func (h *EmailVerification) Verify(c *fiber.Ctx) error {
	var tok models.AccountToken
	var still bool
	err := h.Tx.WithTx(c.UserContext(), func(ctx context.Context) error {
		var err error
		if tok, err = h.Tokens.Consume(ctx, models.PurposeVerifyEmail, c.Query("token")); err != nil {
			return err
		}
		if still, err = h.Users.MarkEmailVerified(ctx, tok.UserID, tok.Email); err != nil || !still {
			return err
		}
		return h.Audit.Record(ctx, auditEntry(c, models.EventEmailVerified, tok.UserID, tok.UserID, ""))
	})
	if err != nil {
		return h.refuseLink(c, err, "/account", "Go to your account")
	}
	if !still {
		return h.linkFailed(c, fiber.StatusConflict,
			"This link was for an address your account no longer uses, so there is nothing to verify.", "/account", "Go to your account")
	}
	if signedInAs(c, tok.UserID) {
		return redirect(c, "/account?done=email-verified")
	}
	return h.linkDone(c, "Email verified", "Your email address is verified. Thank you.")
}
