package accounts_test

import (
	"testing"

	"stepwise/models"
)

func TestExportData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("me@example.com")
	out, err := f.s.ExportData(f.ctx, f.at.As(u.ID), &u)
	ok(t, err)
	if out.Profile.Email != u.Email || f.events(models.EventDataExport) != 1 {
		t.Fatalf("export = %+v", out.Profile)
	}
	_, err = f.s.ExportData(f.ctx, f.at, nil)
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("bye@example.com")
	o := f.at.As(u.ID)

	err := f.s.DeleteAccount(f.ctx, o, &u, "not my password")
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["password"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	err = f.s.DeleteAccount(f.ctx, f.at, nil, password)
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")

	ok(t, f.s.DeleteAccount(f.ctx, o, &u, password))
	if _, err := f.m.Users.ByID(f.ctx, u.ID); err == nil || f.events(models.EventAccountDeleted) != 1 {
		t.Fatalf("the account is still there (%v), or its deletion is not audited", err)
	}

	admin := f.user("admin@example.com")
	f.exec(`UPDATE users SET role = ? WHERE id = ?`, models.RoleAdmin, admin.ID)
	admin = f.reload(admin)
	err = f.s.DeleteAccount(f.ctx, f.at.As(admin.ID), &admin, password)
	wantRefusal(t, err, models.RefusedRule, "last_admin")
}
