package api

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/models/accounts"
)

// Export serves GET /api/v1/me/export: the account page's "Download my
// data", the same JSON from the same operation (accounts.ExportData),
// audited as the same event.
type Export struct {
	Accounts *accounts.Service
}

// Show answers GET /api/v1/me/export. The download holds the account's
// sessions and security events, so it is never cached.
func (h *Export) Show(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodHead {
		// Fiber answers HEAD with the GET handler; only a download is
		// a data export worth auditing.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.SendStatus(fiber.StatusOK)
	}
	data, err := h.Accounts.ExportData(c.UserContext(), origin(c), caller(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusOK, data)
}
