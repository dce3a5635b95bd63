package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/views/pages"
)

// refuseLink renders why a mailed link did not work (the operation's
// refusal, with its status), with a way to get a new one (again,
// labelled againText). An error that is not a refusal is returned as it
// is.
func (v viewer) refuseLink(c *fiber.Ctx, err error, again, againText string) error {
	var r *models.Refusal
	if !errors.As(err, &r) {
		return err
	}
	return v.linkFailed(c, refusal.Status(r.Kind), r.Reason, again, againText)
}

// linkFailed renders msg as the reason a mailed link did not work.
func (v viewer) linkFailed(c *fiber.Ctx, status int, msg, again, againText string) error {
	r := pages.LinkResult{Title: "This link does not work", Message: msg, Next: again, NextText: againText}
	return render(c, status, pages.EmailLink(v.page(c, r.Title, false), r))
}

// linkDone tells a browser that is not signed in as the link's user what
// opening it did.
func (v viewer) linkDone(c *fiber.Ctx, title, msg string) error {
	r := pages.LinkResult{OK: true, Title: title, Message: msg, Next: "/login", NextText: "Log in"}
	if CurrentUser(c) != nil {
		r.Next, r.NextText = "/", "Go to the home page"
	}
	return render(c, fiber.StatusOK, pages.EmailLink(v.page(c, title, false), r))
}

// signedInAs reports whether this browser is signed in as user id.
func signedInAs(c *fiber.Ctx, id int64) bool {
	u := CurrentUser(c)
	return u != nil && u.ID == id
}
