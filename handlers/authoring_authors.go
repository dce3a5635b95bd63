package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// AddCoAuthor adds a co-author by email (the owner and admins only).
func (h *Authoring) AddCoAuthor(c *fiber.Ctx) error {
	email := c.FormValue("email")
	_, _, err := h.Ops.AddCoAuthor(c.UserContext(), CurrentUser(c), c.Params("slug"), email)
	if err == nil {
		return redirect(c, "/author/guides/"+c.Params("slug")+"?done=added")
	}
	return h.settingsRefused(c, err, "email", func(d *pages.GuideFormData, fe models.FieldErrors) {
		d.AuthorEmail, d.AuthorError = sanitizeText(models.NormalizeEmail(email)), fe["email"]
	})
}

// RemoveCoAuthor removes a co-author (the owner and admins only).
func (h *Authoring) RemoveCoAuthor(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return models.ErrNotFound
	}
	if err := h.Ops.RemoveCoAuthor(c.UserContext(), CurrentUser(c), c.Params("slug"), id); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+c.Params("slug")+"?done=removed")
}
