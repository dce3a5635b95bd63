package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// settingsStore is what the admin settings page needs.
type settingsStore interface {
	Bool(ctx context.Context, key string) (bool, error)
	SetBool(ctx context.Context, key string, on bool) error
}

// AdminSettings serves the site settings page.
type AdminSettings struct {
	Settings settingsStore
	Audit    auditLog
	viewer
}

// Show is the settings form.
func (h *AdminSettings) Show(c *fiber.Ctx) error {
	if err := allow(c, models.ChangeSettings, nil); err != nil {
		return err
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
	u := CurrentUser(c)
	if err := allow(c, models.ChangeSettings, nil); err != nil {
		return err
	}
	ctx := c.UserContext()
	before, err := h.Settings.Bool(ctx, models.SettingPrivateWebhookTargets)
	if err != nil {
		return err
	}
	on := strings.TrimSpace(c.FormValue("private_webhook_targets")) == "on"
	if on != before {
		if err := h.Settings.SetBool(ctx, models.SettingPrivateWebhookTargets, on); err != nil {
			return err
		}
		state := map[bool]string{true: "on", false: "off"}[on]
		if err := record(c, h.Audit, models.EventSettingsChanged, u.ID, 0, "private webhook targets "+state); err != nil {
			return err
		}
	}
	return redirect(c, "/admin/settings?done=saved")
}
