package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// slugHistory finds the current slug of a guide that had another before.
type slugHistory interface {
	CurrentSlug(ctx context.Context, old string) (string, error)
}

// movedGuide turns a guide page's "not found" into a permanent redirect
// when the :slug is a published guide's earlier slug; any other error is
// returned as it is.
func movedGuide(c *fiber.Ctx, h slugHistory, err error) error {
	if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	old := c.Params("slug")
	slug, lerr := h.CurrentSlug(c.UserContext(), old)
	if errors.Is(lerr, models.ErrNotFound) {
		return err
	}
	if lerr != nil {
		return lerr
	}
	prefix := "/guides/" + old
	path := c.Path()
	if !strings.HasPrefix(path, prefix) {
		return err
	}
	return c.Redirect("/guides/"+slug+path[len(prefix):], fiber.StatusMovedPermanently)
}
