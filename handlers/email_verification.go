package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/accounts"
)

// EmailVerification mails new users a link that proves their address,
// and serves that link (accounts.ResendVerification, VerifyEmail).
type EmailVerification struct {
	Accounts *accounts.Service
	post     postman
	viewer
}

// SendFirst mails a new user the link whose token sign-up issued.
// Sign-up does not fail when the mail does: the failure is logged and
// the account page offers a resend.
func (h *EmailVerification) SendFirst(c *fiber.Ctx, u models.User, token string) {
	if err := h.send(c, u, token); err != nil {
		Logger(c.UserContext()).Error("verification mail not sent; the user can resend it from the account page",
			"err", err, "user_id", u.ID)
	}
}

func (h *EmailVerification) send(c *fiber.Ctx, u models.User, token string) error {
	return h.post.send(c, verificationMail(u, h.post.link("/email/verify", token)))
}

// Resend mails the signed-in user a new link (the older one stops
// working). It is throttled per user, so it cannot flood an inbox.
func (h *EmailVerification) Resend(c *fiber.Ctx) error {
	u := CurrentUser(c)
	token, err := h.Accounts.ResendVerification(c.UserContext(), u)
	if err != nil {
		return err
	}
	if token == "" { // verified already
		return redirect(c, "/account?done=email-verified")
	}
	if err := h.send(c, *u, token); err != nil {
		return err
	}
	return redirect(c, "/account?done=verify-sent")
}

// Verify serves the mailed link: it uses the token and marks the address
// verified, if it is still the account's address.
func (h *EmailVerification) Verify(c *fiber.Ctx) error {
	userID, err := h.Accounts.VerifyEmail(c.UserContext(), origin(c), c.Query("token"))
	if err != nil {
		return h.refuseLink(c, err, "/account", "Go to your account")
	}
	if signedInAs(c, userID) {
		return redirect(c, "/account?done=email-verified")
	}
	return h.linkDone(c, "Email verified", "Your email address is verified. Thank you.")
}
