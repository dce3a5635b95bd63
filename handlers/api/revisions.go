package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// revisionStore is what the revision endpoints read: the revisions
// page's own model calls; a restore goes through the authoring
// operations.
type revisionStore interface {
	Revisions(ctx context.Context, stepID int64) ([]models.Revision, error)
	Revision(ctx context.Context, stepID, id int64) (models.Revision, error)
}

// Revisions serves /api/v1/guides/{slug}/steps/{n}/revisions: the saved
// versions of a step, for the guide's editors, as on the revisions page.
type Revisions struct {
	Steps *Steps
	Store revisionStore
}

// Revision is one saved version of a step. BodyMarkdown is only in the
// answer for a single revision: a list of them would be large.
type Revision struct {
	ID           int64     `json:"id"`
	Version      int       `json:"version"`
	Title        string    `json:"title"`
	BodyMarkdown *string   `json:"body_markdown,omitempty"`
	AuthorName   string    `json:"author_name"`
	CreatedAt    time.Time `json:"created_at"`
}

func revisionOf(r models.Revision, withBody bool) Revision {
	out := Revision{ID: r.ID, Version: r.Version, Title: r.Title, AuthorName: r.AuthorName, CreatedAt: r.CreatedAt.UTC()}
	if withBody {
		md := r.BodyMD
		out.BodyMarkdown = &md
	}
	return out
}

// List answers GET .../revisions: newest first, in pages. The cursor
// holds the id of the last revision seen; the next page starts below it.
func (h *Revisions) List(c *fiber.Ctx) error {
	_, s, err := h.Steps.editing(c)
	if err != nil {
		return err
	}
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	list, err := h.Store.Revisions(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	var items []Revision
	for _, r := range list {
		if (after == 0 || r.ID < after) && len(items) <= limit {
			items = append(items, revisionOf(r, false))
		}
	}
	return send(c, fiber.StatusOK, listOf(c, items, limit, func(r Revision) int64 { return r.ID }))
}

// Show answers GET .../revisions/{id}, with the Markdown it held.
func (h *Revisions) Show(c *fiber.Ctx) error {
	_, s, err := h.Steps.editing(c)
	if err != nil {
		return err
	}
	r, err := h.revision(c, s)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, revisionOf(r, true))
}

// Restore answers POST .../revisions/{id}/restore: the revision's title
// and text become the step's again, saved as a new revision, as the
// page's Restore button does. If-Match is the step's ETag (required): a
// restore replaces the step's text, so it must not overwrite a save the
// caller has not seen. The answer is the step as restored.
func (h *Revisions) Restore(c *fiber.Ctx) error {
	g, s, err := h.Steps.editing(c)
	if err != nil {
		return err
	}
	r, err := h.revision(c, s)
	if err != nil {
		return err
	}
	u := caller(c)
	if err := requireMatch(c, stepOf(g, s, u)); err != nil {
		return err
	}
	s, err = h.Steps.Guides.Ops.RestoreRevision(c.UserContext(), u, g.Slug, s.Position, r.ID, s.Version)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentLocation, "/api/v1/guides/"+g.Slug+"/steps/"+strconv.Itoa(s.Position))
	return send(c, fiber.StatusOK, stepOf(g, s, u))
}

// revision loads revision {id} of step s; another step's is 404.
func (h *Revisions) revision(c *fiber.Ctx, s models.EditStep) (models.Revision, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return models.Revision{}, err
	}
	return h.Store.Revision(c.UserContext(), s.ID, id)
}
