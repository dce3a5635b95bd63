package admin_test

import (
	"context"
	"testing"

	"stepwise/models"
	"stepwise/models/admin"
)

func TestChangeSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	root := f.admin()

	changed, err := f.ops.ChangeSettings(ctx, root, origin(root), admin.SiteSettings{PrivateWebhookTargets: true})
	if err != nil || !changed {
		t.Fatalf("turn private targets on: changed %v, %v", changed, err)
	}
	if on, err := f.m.Settings.Bool(ctx, models.SettingPrivateWebhookTargets); err != nil || !on {
		t.Fatalf("stored setting %v, %v", on, err)
	}
	f.wantAudit(models.EventSettingsChanged, root.ID, 0, "private webhook targets on")

	// Saving what is set changes and records nothing.
	changed, err = f.ops.ChangeSettings(ctx, root, origin(root), admin.SiteSettings{PrivateWebhookTargets: true})
	if err != nil || changed {
		t.Fatalf("save unchanged: changed %v, %v", changed, err)
	}
	if n := len(f.audit(models.EventSettingsChanged)); n != 1 {
		t.Errorf("%d settings rows, want 1", n)
	}
}

func TestChangeSettingsRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, role := range []string{models.RoleLearner, models.RoleAuthor} {
		u := f.user(role)
		_, err := f.ops.ChangeSettings(ctx, u, origin(u), admin.SiteSettings{PrivateWebhookTargets: true})
		wantRefusal(t, err, models.RefusedForbidden, "not_admin")
	}
	if on, _ := f.m.Settings.Bool(ctx, models.SettingPrivateWebhookTargets); on {
		t.Error("a refused change was stored")
	}
	if n := len(f.audit(models.EventSettingsChanged)); n != 0 {
		t.Errorf("%d settings rows for refused changes", n)
	}
}
