package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// limitBodies refuses a request body over BodyLimit with 413 before any
// session, CSRF or handler work, except on the upload routes (the pages'
// and the API's), which get ImageBodyLimit and ImportBodyLimit. The server itself refuses
// anything over ImportBodyLimit before reading it (fiber.Config.BodyLimit).
// The raw body is measured: Fiber's c.Body would decompress it first.
func limitBodies(c *fiber.Ctx) error {
	limit := BodyLimit
	if c.Method() == fiber.MethodPost {
		switch p := c.Path(); {
		case p == "/author/import", p == "/api/v1/guides/import":
			limit = ImportBodyLimit
		case strings.HasPrefix(p, "/author/guides/") && strings.HasSuffix(p, "/images") && strings.Count(p, "/") == 4,
			strings.HasPrefix(p, "/api/v1/guides/") && strings.HasSuffix(p, "/images") && strings.Count(p, "/") == 5:
			limit = ImageBodyLimit
		}
	}
	if c.Request().Header.ContentLength() > limit || len(c.Request().Body()) > limit {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}
