package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// AddCoAuthor adds a co-author by email (the owner and admins only).
func (h *Authoring) AddCoAuthor(c *fiber.Ctx) error {
	e, g, err := h.editing(c)
	if err != nil {
		return err
	}
	if err := allow(c, models.ManageCoAuthors, e); err != nil {
		return err
	}
	email := models.NormalizeEmail(c.FormValue("email"))
	msg := models.CheckEmail(email)
	if msg == "" {
		err := h.Store.AddCoAuthor(c.UserContext(), g.ID, email)
		switch {
		case errors.Is(err, models.ErrNotFound):
			msg = "There is no account with that email."
		case err != nil:
			return err
		default:
			return redirect(c, "/author/guides/"+g.Slug+"?done=added")
		}
	}
	d, err := h.settingsData(c, e, g)
	if err != nil {
		return err
	}
	d.AuthorEmail, d.AuthorError = sanitizeText(email), msg
	return render(c, fiber.StatusUnprocessableEntity, pages.GuideForm(h.page(c, g.Title, true), d))
}

// RemoveCoAuthor removes a co-author (the owner and admins only).
func (h *Authoring) RemoveCoAuthor(c *fiber.Ctx) error {
	e, g, err := h.editing(c)
	if err != nil {
		return err
	}
	if err := allow(c, models.ManageCoAuthors, e); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return models.ErrNotFound
	}
	if err := h.Store.RemoveCoAuthor(c.UserContext(), g.ID, id); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+g.Slug+"?done=removed")
}
