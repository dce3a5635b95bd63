package api

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/learning"
)

// noteStore is what the note endpoints read. Every method takes the
// owner's id, and the handlers only ever pass the caller's: nobody can
// read another learner's note (nor change it: learning's operations take
// the caller, not an id).
type noteStore interface {
	Get(ctx context.Context, userID, stepID int64) (models.Note, error)
	After(ctx context.Context, userID, afterStep int64, limit int) ([]models.NoteRecord, error)
}

// Notes serves the caller's private notes on steps; they are written
// through learning's operations, which the pages share.
type Notes struct {
	Guides   *Guides
	Steps    stepFinder
	Notes    noteStore
	Learning *learning.Service
}

// Note is a private note with the step it is on.
type Note struct {
	Guide      string    `json:"guide"`
	GuideTitle string    `json:"guide_title"`
	Step       int       `json:"step"`
	StepTitle  string    `json:"step_title"`
	Body       string    `json:"body"`
	UpdatedAt  time.Time `json:"updated_at"`
	URL        string    `json:"url"`
}

func noteOf(guideSlug, guideTitle string, position int, stepTitle, body string, updated time.Time) Note {
	return Note{Guide: guideSlug, GuideTitle: guideTitle, Step: position, StepTitle: stepTitle, Body: body,
		UpdatedAt: updated.UTC(), URL: fmt.Sprintf("/api/v1/guides/%s/steps/%d/note", guideSlug, position)}
}

func noteOn(g models.Guide, step models.Step, n models.Note) Note {
	return noteOf(g.Slug, g.Title, step.Position, step.Title, n.Body, n.UpdatedAt)
}

// List answers GET /api/v1/notes: the caller's notes, in pages.
func (h *Notes) List(c *fiber.Ctx) error {
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	recs, err := h.Notes.After(c.UserContext(), caller(c).ID, after, limit+1)
	if err != nil {
		return err
	}
	l := listOf(c, recs, limit, func(r models.NoteRecord) int64 { return r.StepID })
	out := List[Note]{Items: make([]Note, len(l.Items)), NextCursor: l.NextCursor}
	for i, r := range l.Items {
		out.Items[i] = noteOf(r.GuideSlug, r.GuideTitle, r.Position, r.StepTitle, r.Body, r.UpdatedAt)
	}
	return send(c, fiber.StatusOK, out)
}

// Show answers GET /api/v1/guides/{slug}/steps/{n}/note; 404 when the
// caller has no note there.
func (h *Notes) Show(c *fiber.Ctx) error {
	r, step, err := trackedStep(c, h.Guides, h.Steps)
	if err != nil {
		return err
	}
	n, err := h.Notes.Get(c.UserContext(), caller(c).ID, step.ID)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, noteOn(r.Guide, step, n))
}

// noteRequest is the body of PUT …/note.
type noteRequest struct {
	Body *string `json:"body"`
}

// Put answers PUT /api/v1/guides/{slug}/steps/{n}/note with learning's
// SaveNote: 201 when it creates the note; 200 when it replaces one, which
// needs If-Match so an edit made elsewhere (the browser's autosave) is
// not overwritten.
func (h *Notes) Put(c *fiber.Ctx) error {
	var in noteRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	var body string
	if in.Body != nil {
		body = *in.Body
	}
	res, err := h.Learning.SaveNote(c.UserContext(), caller(c), learning.NoteInput{
		StepRef: stepRef(c), Body: body,
		Check: func(t learning.Target, current *models.Note) error {
			if current == nil {
				return noNoteToMatch(c)
			}
			return requireMatch(c, noteOn(t.Guide, t.Step, *current))
		},
	})
	if err != nil {
		return err
	}
	out := noteOn(res.Guide, res.Step, res.Note)
	if res.Created {
		c.Location(out.URL)
		return send(c, fiber.StatusCreated, out)
	}
	return send(c, fiber.StatusOK, out)
}

// Delete answers DELETE /api/v1/guides/{slug}/steps/{n}/note (If-Match)
// with learning's DeleteNote.
func (h *Notes) Delete(c *fiber.Ctx) error {
	_, err := h.Learning.DeleteNote(c.UserContext(), caller(c), learning.NoteDeletion{
		StepRef: stepRef(c),
		Check: func(t learning.Target, current models.Note) error {
			return requireMatch(c, noteOn(t.Guide, t.Step, current))
		},
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// noNoteToMatch refuses an If-Match when there is no note: the caller
// expected to replace one that has since been deleted (RFC 9110: If-Match
// fails when there is no current representation, "*" included).
func noNoteToMatch(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderIfMatch) == "" {
		return nil
	}
	p := problem(fiber.StatusPreconditionFailed, "You have no note on this step any more. Send the PUT without If-Match to create one.")
	p.Type = "/api/docs#conditional-requests"
	return p
}
