package api

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// coAuthorStore is what the co-author endpoints need: the settings
// page's own model calls.
type coAuthorStore interface {
	CoAuthors(ctx context.Context, guideID int64) ([]models.CoAuthor, error)
	AddCoAuthor(ctx context.Context, guideID int64, email string) error
	RemoveCoAuthor(ctx context.Context, guideID, userID int64) error
}

// CoAuthors serves /api/v1/guides/{slug}/authors. The guide's editors
// see the list, as on the settings page; only its owner and admins add
// and remove (models.ManageCoAuthors).
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
	if err := allow(c, models.ManageCoAuthors, r.Editable()); err != nil {
		return err
	}
	var in coAuthorRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	email := models.NormalizeEmail(in.Email)
	if msg := models.CheckEmail(email); msg != "" {
		return invalid(models.FieldErrors{"email": msg})
	}
	ctx := c.UserContext()
	before, err := h.Store.CoAuthors(ctx, r.ID)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if _, ok := byEmail(before, email); ok {
		status = fiber.StatusOK
	}
	err = h.Store.AddCoAuthor(ctx, r.ID, email)
	if errors.Is(err, models.ErrNotFound) {
		return invalid(models.FieldErrors{"email": "There is no account with that email."})
	}
	if err != nil {
		return err
	}
	after, err := h.Store.CoAuthors(ctx, r.ID)
	if err != nil {
		return err
	}
	a, ok := byEmail(after, email)
	if !ok {
		return errors.New("co-author added but not listed")
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
	if err := allow(c, models.ManageCoAuthors, r.Editable()); err != nil {
		return err
	}
	if err := requireMatch(c, coAuthorOf(a)); err != nil {
		return err
	}
	if err := h.Store.RemoveCoAuthor(c.UserContext(), r.ID, a.ID); err != nil {
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
	list, err := h.Store.CoAuthors(c.UserContext(), r.ID)
	if err != nil {
		return r, models.CoAuthor{}, err
	}
	for _, a := range list {
		if a.ID == id {
			return r, a, nil
		}
	}
	return r, models.CoAuthor{}, errNotFound
}

func byEmail(list []models.CoAuthor, email string) (models.CoAuthor, bool) {
	for _, a := range list {
		if models.NormalizeEmail(a.Email) == email {
			return a, true
		}
	}
	return models.CoAuthor{}, false
}
