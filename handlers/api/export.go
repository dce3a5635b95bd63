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
	data, err := h.Users.Export(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	// models.Users.Export leaves these nil when there are none (an account
	// used only through the API may have no browser session and no
	// security event yet), which would be JSON null; every list in the
	// download is an array, as the document says, so a client can iterate
	// without a null check.
	if data.Sessions == nil {
		data.Sessions = []models.UserSession{}
	}
	if data.SecurityEvents == nil {
		data.SecurityEvents = []models.AuditEntry{}
	}
	if err := record(c, h.Audit, models.EventDataExport, u.ID, u.ID, ""); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return send(c, fiber.StatusOK, data)
}
