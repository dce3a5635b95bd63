package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// dataExporter gathers everything Stepwise holds about a user.
type dataExporter interface {
	Export(ctx context.Context, id int64) (models.UserExport, error)
}

// Export serves GET /api/v1/me/export: the account page's "Download my
// data", the same JSON, audited as the same event.
type Export struct {
	Users dataExporter
	Audit auditLog
}

// Show answers GET /api/v1/me/export. The download holds the account's
// sessions and security events, so it is never cached.
func (h *Export) Show(c *fiber.Ctx) error {
	u := caller(c)
	if err := allow(c, models.ManageAccount, u); err != nil {
		return err
	}
	if c.Method() == fiber.MethodHead {
		// Fiber answers HEAD with the GET handler; only a download is
		// a data export worth auditing.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendStatus(fiber.StatusOK)
	}
	data, err := h.Users.Export(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := record(c, h.Audit, models.EventDataExport, u.ID, u.ID, ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusOK, data)
}
