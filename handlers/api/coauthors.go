package api

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// coAuthorStore is what the co-author endpoints read: the settings
// page's own list; adding and removing go through the authoring
// operations.
type coAuthorStore interface {
	CoAuthors(ctx context.Context, guideID int64) ([]models.CoAuthor, error)
}

// CoAuthors serves /api/v1/guides/{slug}/authors. The guide's editors
// see the list, as on the settings page; only its owner and admins add
// and remove (models.CanManageCoAuthors).
type CoAuthors struct {
	Guides *Guides
	Store  coAuthorStore
}

// CoAuthor is a co-author as the guide's editors see them. The email is
// shown because the settings page shows it, and it is how one is added.
type CoAuthor struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

func coAuthorOf(a models.CoAuthor) CoAuthor {
	return CoAuthor{ID: a.ID, DisplayName: a.DisplayName, Email: a.Email}
}

// coAuthorRequest is the body of POST /api/v1/guides/{slug}/authors.
type coAuthorRequest struct {
	Email string `json:"email"`
}

// List answers GET /api/v1/guides/{slug}/authors: every co-author, in
// the order they were added (a guide has a handful, so one page).
func (h *CoAuthors) List(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	list, err := h.Store.CoAuthors(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	items := make([]CoAuthor, len(list))
	for i, a := range list {
		items[i] = coAuthorOf(a)
	}
	return send(c, fiber.StatusOK, List[CoAuthor]{Items: items})
}

// Show answers GET /api/v1/guides/{slug}/authors/{id}; its ETag is what
// a removal must send.
func (h *CoAuthors) Show(c *fiber.Ctx) error {
	_, a, err := h.coAuthor(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, coAuthorOf(a))
}

// Add answers POST /api/v1/guides/{slug}/authors: 201 for a new
// co-author, 200 for one the guide has already, so a script that syncs
// a list of authors can repeat itself safely.
func (h *CoAuthors) Add(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	var in coAuthorRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	a, created, err := h.Guides.Ops.AddCoAuthor(c.UserContext(), caller(c), r.Slug, in.Email)
	if err != nil {
		return refused(err, nil)
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+r.Slug+"/authors/"+strconv.FormatInt(a.ID, 10))
	return send(c, status, coAuthorOf(a))
}

// Remove answers DELETE /api/v1/guides/{slug}/authors/{id} (If-Match of
// the co-author required). The owner cannot be removed this way: they
// are the guide's author, not a co-author, so their id is 404 here.
func (h *CoAuthors) Remove(c *fiber.Ctx) error {
	r, a, err := h.coAuthor(c)
	if err != nil {
		return err
	}
	if !models.CanManageCoAuthors(caller(c), r.Editable()) {
		return errForbidden
	}
	if err := requireMatch(c, coAuthorOf(a)); err != nil {
		return err
	}
	if err := h.Guides.Ops.RemoveCoAuthor(c.UserContext(), caller(c), r.Slug, a.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// coAuthor loads the guide (which the caller must be allowed to edit)
// and its co-author {id}.
func (h *CoAuthors) coAuthor(c *fiber.Ctx) (models.GuideRecord, models.CoAuthor, error) {
	r, err := h.Guides.editable(c)
	if err != nil {
		return r, models.CoAuthor{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return r, models.CoAuthor{}, err
	}
	a, err := h.Guides.Ops.CoAuthor(c.UserContext(), r, id)
	return r, a, err
}
