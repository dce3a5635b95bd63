package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// revisionNotices are the messages after a redirect, by ?done=.
var revisionNotices = map[string]string{"restored": "Restored: the text you chose is the step's current text again, saved as a new revision."}

// Revisions lists the step's revisions.
func (h *Authoring) Revisions(c *fiber.Ctx) error {
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	list, err := h.Store.Revisions(c.UserContext(), s.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.Revisions(h.page(c, "Revisions: "+s.Title, true),
		pages.RevisionsData{Guide: r.AuthorGuide(), Step: s, Revisions: list, Notice: revisionNotices[c.Query("done")]}))
}

// revisionParam parses a revision id; anything else is not found.
func revisionParam(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// RevisionDiff compares revisions ?a= and ?b= of the step line by line.
func (h *Authoring) RevisionDiff(c *fiber.Ctx) error {
	r, s, err := h.editingStep(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var revs [2]models.Revision
	for i, key := range []string{"a", "b"} {
		id, err := revisionParam(c.Query(key))
		if err == nil {
			revs[i], err = h.Store.Revision(ctx, s.ID, id)
		}
		if errors.Is(err, models.ErrNotFound) {
			return fiber.NewError(fiber.StatusBadRequest, "Choose two revisions of this step to compare.")
		}
		if err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, pages.RevisionDiff(h.page(c, "Compare revisions", false), pages.DiffData{
		Guide: r.AuthorGuide(), Step: s, A: revs[0], B: revs[1], Lines: models.LineDiff(revs[0].BodyMD, revs[1].BodyMD),
	}))
}

// RestoreRevision makes a revision's text current again, as a new save
// (and so a new revision).
func (h *Authoring) RestoreRevision(c *fiber.Ctx) error {
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	id, err := revisionParam(c.Params("id"))
	if err != nil {
		return err
	}
	if _, err := h.Ops.RestoreRevision(c.UserContext(), CurrentUser(c), c.Params("slug"), n, id, -1); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+c.Params("slug")+"/steps/"+strconv.Itoa(n)+"/revisions?done=restored")
}
