package handlers

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// txRunner runs fn in one database transaction carried by its context
// (*db.DB), so using a token and the change it allows commit together.
type txRunner interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// refuseLink renders why a mailed link did not work, with a way to get a
// new one (again, labelled againText). An error that is not about the
// token is returned as it is.
func (v viewer) refuseLink(c *fiber.Ctx, err error, again, againText string) error {
	switch {
	case errors.Is(err, models.ErrTokenUsed):
		return v.linkFailed(c, fiber.StatusGone, "This link was already used. Each link in our emails works once.", again, againText)
	case errors.Is(err, models.ErrTokenExpired):
		return v.linkFailed(c, fiber.StatusGone, "This link has expired. Ask for a new one.", again, againText)
	case errors.Is(err, models.ErrTokenInvalid):
		return v.linkFailed(c, fiber.StatusBadRequest,
			"This link is not valid: it may be incomplete, or a newer email replaced it. Ask for a new one.", again, againText)
	}
	return err
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
