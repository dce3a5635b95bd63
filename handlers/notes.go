package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views"
	"stepwise/views/components"
	"stepwise/views/pages"
)

// noteStore is what the step page and the note form need from the notes
// store. Every method takes the owner's id, and handlers only ever pass
// the signed-in user's: a note cannot be read or written by anyone else.
type noteStore interface {
	ForStep(ctx context.Context, userID int64, step models.Step) (models.StepExtras, error)
	Save(ctx context.Context, userID int64, step models.Step, body string) (time.Time, error)
}

// noteState is the note control of the step page for the viewer: empty
// for a visitor; the user's note and certificate for the guide (one
// query) otherwise.
func (h *Steps) noteState(ctx context.Context, p views.Page, guide models.Guide, step models.Step) (components.StepNoteState, error) {
	s := components.StepNoteState{Slug: guide.Slug, Position: step.Position, SignedIn: p.SignedIn(), CSRF: p.CSRF}
	if !s.SignedIn || h.Notes == nil {
		return s, nil
	}
	x, err := h.Notes.ForStep(ctx, p.User.ID, step)
	if err != nil {
		return s, err
	}
	s.Body, s.SavedAt, s.Certificate = x.Body, x.UpdatedAt, x.Certificate
	return s, nil
}

// SaveNote stores the signed-in user's private note on step n. htmx
// (autosave) gets the status line: "Saved 12:04", or why not with 422 —
// the textarea is never swapped, so the text stays. A plain form post is
// redirected back to the note (303), or the page is shown again with the
// text kept and the error (422).
func (h *Steps) SaveNote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := CurrentUser(c)
	guide, step, err := stepToTrack(c, h.Steps)
	if err != nil {
		return err
	}
	body, problem := models.NormalizeNote(c.FormValue("body"))
	c.Vary("HX-Request")
	if problem != "" {
		if isHTMX(c) {
			return render(c, fiber.StatusUnprocessableEntity, components.NoteStatus(nil, problem))
		}
		links, err := h.Steps.Outline(ctx, guide.ID, user.ID)
		if err != nil {
			return err
		}
		p := h.page(c, step.Title+" — "+guide.Title, true)
		note := components.StepNoteState{Slug: guide.Slug, Position: step.Position, SignedIn: true, CSRF: p.CSRF, Body: body, Error: problem}
		return render(c, fiber.StatusUnprocessableEntity, pages.Step(p,
			pages.StepData{Guide: guide, Step: step, Steps: links, Done: doneSet(links), Note: note}))
	}
	saved, err := h.Notes.Save(ctx, user.ID, step, body)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d#note", guide.Slug, step.Position), fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, components.NoteStatus(&saved, ""))
}

// requireUserForNote sends a visitor to log in and back to the step the
// note form was on (not to the form's action, which has no page).
func requireUserForNote(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Next()
	}
	back := SafeNext(strings.TrimSuffix(c.Path(), "/note"))
	return redirect(c, "/login?next="+url.QueryEscape(back))
}
