package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// Complete marks step n complete or not. A form field done=true|false sets
// that state (so a double click changes nothing); without it the request
// toggles. htmx gets the new control plus out-of-band progress bar and
// sidebar entry; a plain form post is redirected back to the step (303).
func (h *Steps) Complete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := CurrentUser(c)
	guide, step, err := stepToTrack(c, h.Steps)
	if err != nil {
		return err
	}

	// A required quiz not passed yet keeps the step from being completed
	// (done=true, or a toggle); undoing is always allowed.
	if c.FormValue("done") != "false" {
		if refused, err := h.quizRefusal(c, guide, step); refused || err != nil {
			return err
		}
	}

	var done bool
	switch c.FormValue("done") {
	case "true":
		done = true
		err = h.Progress.Set(ctx, user.ID, step, true)
	case "false":
		err = h.Progress.Set(ctx, user.ID, step, false)
	case "":
		done, err = h.Progress.Toggle(ctx, user.ID, step)
	default:
		return fiber.NewError(fiber.StatusBadRequest, "The field done must be true or false.")
	}
	if err != nil {
		return err
	}
	var certificate string
	if done {
		if certificate, err = h.certify(ctx, user, guide); err != nil {
			return err
		}
	}

	c.Vary("HX-Request")
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d", guide.Slug, step.Position), fiber.StatusSeeOther)
	}
	count, total, err := h.Progress.Tally(ctx, user.ID, guide.ID)
	if err != nil {
		return err
	}
	state := components.CompleteState{
		Slug: guide.Slug, Position: step.Position, Done: done,
		SignedIn: true, CSRF: h.csrf.token(c), Focus: true,
	}
	link := models.StepLink{ID: step.ID, Position: step.Position, Title: step.Title}
	if err := render(c, fiber.StatusOK, pages.StepProgress(state, link, count, total)); err != nil {
		return err
	}
	return announceCertificate(c, certificate)
}
