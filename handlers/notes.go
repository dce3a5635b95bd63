package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/learning"
	"stepwise/views"
	"stepwise/views/components"
)

// noteStore is what the step page needs from the notes store. It takes
// the owner's id, and handlers only ever pass the signed-in user's: a
// note cannot be read by anyone else (nor written: learning's operations
// take the user, not an id).
type noteStore interface {
	ForStep(ctx context.Context, userID int64, step models.Step) (models.StepExtras, error)
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

// SaveNote stores the signed-in user's private note on step n through
// learning's SaveNote; an emptied note is removed (DeleteNote), which is
// how the page's form says "delete". htmx (autosave) gets the status
// line: "Saved 12:04", or why not with 422 — the textarea is never
// swapped, so the text stays. A plain form post is redirected back to
// the note (303), or the page is shown again with the text kept and the
// error (422).
func (h *Steps) SaveNote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := CurrentUser(c)
	ref := stepRef(c)
	body := c.FormValue("body")
	c.Vary("HX-Request")
	var saved time.Time
	if strings.TrimSpace(body) == "" {
		res, err := h.Learning.DeleteNote(ctx, user, learning.NoteDeletion{StepRef: ref})
		if r, ok := models.AsRefusal(err); ok && r.Code == learning.CodeNoNote {
			res.At, err = time.Now().UTC(), nil // nothing to remove: the page is as asked
		}
		if err != nil {
			return err
		}
		saved = res.At
	} else {
		res, err := h.Learning.SaveNote(ctx, user, learning.NoteInput{StepRef: ref, Body: body})
		if r, ok := models.AsRefusal(err); ok && r.Kind == models.RefusedInvalid {
			return h.noteRefused(c, body, r)
		}
		if err != nil {
			return err
		}
		saved = res.Note.UpdatedAt
	}
	if !isHTMX(c) {
		return c.Redirect(fmt.Sprintf("/guides/%s/steps/%d#note", ref.Guide, ref.Step), fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, components.NoteStatus(&saved, ""))
}

// noteRefused shows why a note was not saved: the status line for htmx,
// the step page with the text kept for a plain post.
func (h *Steps) noteRefused(c *fiber.Ctx, body string, r *models.Refusal) error {
	status, msg := refusal.Status(r.Kind), r.Fields["body"]
	if isHTMX(c) {
		return render(c, status, components.NoteStatus(nil, msg))
	}
	return h.showStep(c, status, &keptNote{Body: body, Error: msg})
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
