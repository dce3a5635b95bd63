package admin

import (
	"context"

	"stepwise/models"
)

// errSettingsForbidden refuses the site settings to anyone but an admin.
var errSettingsForbidden = models.Refuse(models.RefusedForbidden, "not_admin", "Only admins may change the site settings.")

// SiteSettings are the settings an admin changes at run time.
type SiteSettings struct {
	// PrivateWebhookTargets lets webhooks reach loopback, private and
	// link-local addresses (models.SettingPrivateWebhookTargets).
	PrivateWebhookTargets bool
}

// ChangeSettings stores the site settings for admin and records a change
// in the audit log; it reports whether anything changed. It refuses
// anyone but an admin (RefusedForbidden).
func (s *Service) ChangeSettings(ctx context.Context, admin *models.User, origin models.Origin, in SiteSettings) (changed bool, err error) {
	if !models.CanChangeSettings(admin) {
		return false, errSettingsForbidden
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.m.Settings.Bool(ctx, models.SettingPrivateWebhookTargets)
		if err != nil || before == in.PrivateWebhookTargets {
			return err
		}
		if err := s.m.Settings.SetBool(ctx, models.SettingPrivateWebhookTargets, in.PrivateWebhookTargets); err != nil {
			return err
		}
		changed = true
		state := map[bool]string{true: "on", false: "off"}[in.PrivateWebhookTargets]
		return s.m.Audit.Record(ctx, origin.Entry(models.EventSettingsChanged, 0, "private webhook targets "+state))
	})
	if err != nil {
		return false, err
	}
	return changed, nil
}
