package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/learning"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// Complete marks step n complete or not through learning's operations.
// A form field done=true|false sets that state (so a double click
// changes nothing); without it the request toggles. htmx gets the new
// control plus out-of-band progress bar and sidebar entry, and the
// certificate notice when this finished the guide; a plain form post is
// redirected back to the step (303).
func (h *Steps) Complete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := CurrentUser(c)
	in := learning.StepInput{StepRef: stepRef(c)}
	var res learning.Completion
	var err error
	switch c.FormValue("done") {
	case "true":
		res, err = h.Learning.CompleteStep(ctx, user, in)
	case "false":
		res, err = h.Learning.UndoStep(ctx, user, in)
	case "":
		res, err = h.Learning.ToggleStep(ctx, user, in)
	default:
		return fiber.NewError(fiber.StatusBadRequest, "The field done must be true or false.")
	}
	c.Vary("HX-Request")
	if err != nil {
		return h.completeRefused(c, in.StepRef, err)
	}
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d", res.Guide.Slug, res.Step.Position), fiber.StatusSeeOther)
	}
	state := components.CompleteState{
		Slug: res.Guide.Slug, Position: res.Step.Position, Done: res.Done,
		SignedIn: true, CSRF: h.csrf.token(c), Focus: true,
	}
	link := models.StepLink{ID: res.Step.ID, Position: res.Step.Position, Title: res.Step.Title}
	if err := render(c, fiber.StatusOK, pages.StepProgress(state, link, res.Completed, res.Total)); err != nil {
		return err
	}
	return announceCertificate(c, res.Certificate)
}

// completeRefused answers a refused "Mark complete". htmx gets the
// control with the reason a rule gave (a required quiz not passed), so
// the learner reads it where they clicked; everything else, and a plain
// form post, goes to the error page with the same status and reason.
func (h *Steps) completeRefused(c *fiber.Ctx, ref learning.StepRef, err error) error {
	r, ok := models.AsRefusal(err)
	if !ok || r.Kind != models.RefusedRule || !isHTMX(c) {
		return err
	}
	state := components.CompleteState{
		Slug: ref.Guide, Position: ref.Step, SignedIn: true,
		CSRF: h.csrf.token(c), Focus: true, Message: r.Reason,
	}
	return render(c, refusal.Status(r.Kind), components.Complete(state))
}
