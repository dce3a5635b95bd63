package admin_test

import (
	"context"
	"errors"
	"testing"

	"stepwise/models"
	"stepwise/models/admin"
)

func ptr[T any](v T) *T { return &v }

// sessions counts u's signed-in sessions.
func (f *fixture) sessions(u *models.User) int {
	f.t.Helper()
	list, err := f.m.Sessions.List(context.Background(), u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(list)
}

func (f *fixture) signIn(u *models.User) {
	f.t.Helper()
	if _, err := f.m.Sessions.Create(context.Background(), u.ID, "192.0.2.8", "browser"); err != nil {
		f.t.Fatal(err)
	}
}

func TestChangeUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	root, lee := f.admin(), f.user(models.RoleLearner)
	f.signIn(lee)

	got, err := f.ops.ChangeUser(ctx, root, origin(root), lee.ID, admin.UserChange{Role: ptr(models.RoleAuthor), Locked: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Before.Role != models.RoleLearner || got.Before.Locked() || got.After.Role != models.RoleAuthor || !got.After.Locked() {
		t.Fatalf("before %+v, after %+v", got.Before, got.After)
	}
	if n := f.sessions(lee); n != 0 {
		t.Errorf("a locked account kept %d sessions", n)
	}
	f.wantAudit(models.EventRoleChange, root.ID, lee.ID, "learner → author")
	f.wantAudit(models.EventLock, root.ID, lee.ID, "")

	if _, err := f.ops.ChangeUser(ctx, root, origin(root), lee.ID, admin.UserChange{Locked: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	f.wantAudit(models.EventUnlock, root.ID, lee.ID, "")

	// Setting what is set changes and records nothing.
	got, err = f.ops.ChangeUser(ctx, root, origin(root), lee.ID, admin.UserChange{Role: ptr(models.RoleAuthor), Locked: ptr(false)})
	if err != nil || !got.After.UpdatedAt.Equal(got.Before.UpdatedAt) {
		t.Fatalf("no change: %+v, %v", got, err)
	}
	if n := len(f.audit(models.EventRoleChange)) + len(f.audit(models.EventUnlock)); n != 2 {
		t.Errorf("a change to nothing was recorded: %d rows", n)
	}
}

// admin creates an admin account.
func (f *fixture) admin() *models.User { return f.user(models.RoleAdmin) }

func TestChangeUserRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	root, lee, author := f.admin(), f.user(models.RoleLearner), f.user(models.RoleAuthor)

	_, err := f.ops.ChangeUser(ctx, author, origin(author), lee.ID, admin.UserChange{Role: ptr(models.RoleAdmin)})
	wantRefusal(t, err, models.RefusedForbidden, "not_admin")

	_, err = f.ops.ChangeUser(ctx, root, origin(root), root.ID, admin.UserChange{Locked: ptr(true)})
	wantRefusal(t, err, models.RefusedForbidden, "own_account")

	_, err = f.ops.ChangeUser(ctx, root, origin(root), lee.ID, admin.UserChange{Role: ptr("emperor")})
	if r := wantRefusal(t, err, models.RefusedInvalid, "invalid"); r.Fields["role"] == "" {
		t.Errorf("no message for the role: %+v", r.Fields)
	}

	_, err = f.ops.ChangeUser(ctx, root, origin(root), 99999, admin.UserChange{Role: ptr(models.RoleAuthor)})
	wantRefusal(t, err, models.RefusedNotFound, "user_not_found")
	if !errors.Is(err, models.ErrNotFound) {
		t.Errorf("not found does not match ErrNotFound: %v", err)
	}

	// A precondition's error is the answer, and nothing is written.
	stale := errors.New("stale")
	_, err = f.ops.ChangeUser(ctx, root, origin(root), lee.ID, admin.UserChange{
		Role: ptr(models.RoleAuthor), Precondition: func(models.User) error { return stale },
	})
	if !errors.Is(err, stale) {
		t.Fatalf("precondition: got %v", err)
	}

	// The last admin: a second admin, demoted meanwhile, still acts with
	// the admin role it signed in with, and would demote or lock root.
	other := f.admin()
	if _, err := f.ops.ChangeUser(ctx, root, origin(root), other.ID, admin.UserChange{Role: ptr(models.RoleLearner)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.ops.ChangeUser(ctx, other, origin(other), root.ID, admin.UserChange{Role: ptr(models.RoleLearner)})
	wantRefusal(t, err, models.RefusedRule, "last_admin")
	_, err = f.ops.ChangeUser(ctx, other, origin(other), root.ID, admin.UserChange{Locked: ptr(true)})
	wantRefusal(t, err, models.RefusedRule, "last_admin")

	for _, u := range []*models.User{root, lee} {
		stored, err := f.m.Users.ByID(ctx, u.ID)
		if err != nil || stored.Role != u.Role || stored.Locked() {
			t.Errorf("a refused change changed %s: %+v, %v", u.Email, stored, err)
		}
	}
	if rows := f.audit(models.EventRoleChange); len(rows) != 1 || *rows[0].TargetID != other.ID {
		t.Errorf("role changes recorded: %+v, want only other's demotion", rows)
	}
	if rows := f.audit(models.EventLock); len(rows) != 0 {
		t.Errorf("a refused lock was recorded: %+v", rows)
	}
}

func TestForcePasswordReset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	root, lee := f.admin(), f.user(models.RoleLearner)
	f.signIn(lee)

	if _, err := f.ops.ForcePasswordReset(ctx, root, origin(root), lee.ID); err != nil {
		t.Fatal(err)
	}
	stored, err := f.m.Users.ByID(ctx, lee.ID)
	if err != nil || !stored.MustResetPassword {
		t.Fatalf("after a forced reset: %+v, %v", stored, err)
	}
	if n := f.sessions(lee); n != 0 {
		t.Errorf("%d sessions survived a forced reset", n)
	}
	f.wantAudit(models.EventForceReset, root.ID, lee.ID, "")
}

func TestForcePasswordResetRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	root, author := f.admin(), f.user(models.RoleAuthor)

	_, err := f.ops.ForcePasswordReset(ctx, author, origin(author), root.ID)
	wantRefusal(t, err, models.RefusedForbidden, "not_admin")
	_, err = f.ops.ForcePasswordReset(ctx, root, origin(root), root.ID)
	wantRefusal(t, err, models.RefusedForbidden, "own_account")
	_, err = f.ops.ForcePasswordReset(ctx, root, origin(root), 99999)
	wantRefusal(t, err, models.RefusedNotFound, "user_not_found")

	if stored, _ := f.m.Users.ByID(ctx, root.ID); stored.MustResetPassword {
		t.Error("a refused reset was applied")
	}
	if rows := f.audit(models.EventForceReset); len(rows) != 0 {
		t.Errorf("refused resets were recorded: %+v", rows)
	}
}
