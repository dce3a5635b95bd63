package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/admin"
	"stepwise/views/pages"
)

// settingsReader is what the admin settings page reads.
type settingsReader interface {
	Bool(ctx context.Context, key string) (bool, error)
}

// AdminSettings serves the site settings page; saving is the
// admin.Service operation.
type AdminSettings struct {
	Settings settingsReader
	Admin    *admin.Service
	viewer
}

// Show is the settings form.
func (h *AdminSettings) Show(c *fiber.Ctx) error {
	if !models.CanChangeSettings(CurrentUser(c)) {
		return errForbidden
	}
	notice := ""
	if c.Query("done") == "saved" {
		notice = "Settings saved."
	}
	return h.show(c, notice)
}

func (h *AdminSettings) show(c *fiber.Ctx, notice string) error {
	private, err := h.Settings.Bool(c.UserContext(), models.SettingPrivateWebhookTargets)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.AdminSettings(h.page(c, "Settings", true), pages.AdminSettingsData{
		PrivateWebhookTargets: private, Notice: notice,
	}))
}

// Save stores the settings; a checkbox left unticked turns its setting off.
func (h *AdminSettings) Save(c *fiber.Ctx) error {
	in := admin.SiteSettings{PrivateWebhookTargets: strings.TrimSpace(c.FormValue("private_webhook_targets")) == "on"}
	if _, err := h.Admin.ChangeSettings(c.UserContext(), CurrentUser(c), origin(c), in); err != nil {
		return err
	}
	return redirect(c, "/admin/settings?done=saved")
}
