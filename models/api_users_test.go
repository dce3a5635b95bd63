package models_test

import (
	"context"
	"errors"
	"testing"

	"stepwise/models"
)

func TestUsersAfter(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	a := newUser(t, m, "ada@example.com")
	b := newUser(t, m, "bob@example.com")
	c := newUser(t, m, "ada.too@example.com")
	got, err := m.Users.UsersAfter(ctx, "", 0, 2)
	if err != nil || len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
		t.Fatalf("first page = %v, %v", got, err)
	}
	got, err = m.Users.UsersAfter(ctx, "", b.ID, 2)
	if err != nil || len(got) != 1 || got[0].ID != c.ID {
		t.Fatalf("second page = %v, %v", got, err)
	}
	got, err = m.Users.UsersAfter(ctx, "ADA", 0, 10)
	if err != nil || len(got) != 2 || got[1].ID != c.ID {
		t.Fatalf("q=ADA = %v, %v", got, err)
	}
	if got, _ = m.Users.UsersAfter(ctx, "a_a", 0, 10); len(got) != 0 {
		t.Fatalf("_ matched as a wildcard: %v", got)
	}
}

func TestUsersChange(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	admin := newUser(t, m, "admin@example.com")
	if err := m.Users.SetRole(ctx, admin.ID, models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	u := newUser(t, m, "user@example.com")
	ok := func(models.User) error { return nil }
	author, locked := models.RoleAuthor, true

	before, after, err := m.Users.Change(ctx, u.ID, models.UserChange{Role: &author, Locked: &locked}, ok)
	if err != nil || before.Role != models.RoleLearner || before.Locked() || after.Role != models.RoleAuthor || !after.Locked() {
		t.Fatalf("change: before %+v after %+v, %v", before, after, err)
	}

	refuse := errors.New("refused")
	learner := models.RoleLearner
	if _, _, err := m.Users.Change(ctx, u.ID, models.UserChange{Role: &learner}, func(models.User) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused change: %v", err)
	}
	if got, _ := m.Users.ByID(ctx, u.ID); got.Role != models.RoleAuthor {
		t.Fatalf("a refused change wrote role %q", got.Role)
	}

	// Demoting or locking the only admin is refused, and nothing of the
	// change is kept.
	if _, _, err := m.Users.Change(ctx, admin.ID, models.UserChange{Role: &learner}, ok); !errors.Is(err, models.ErrLastAdmin) {
		t.Fatalf("demoting the last admin: %v", err)
	}
	unlock := false
	if _, _, err := m.Users.Change(ctx, u.ID, models.UserChange{Locked: &unlock, Role: &learner}, ok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Users.Change(ctx, admin.ID, models.UserChange{Locked: &locked}, ok); !errors.Is(err, models.ErrLastAdmin) {
		t.Fatalf("locking the last admin: %v", err)
	}
	if got, _ := m.Users.ByID(ctx, admin.ID); got.Role != models.RoleAdmin || got.Locked() {
		t.Fatalf("last admin changed: %+v", got)
	}
	if _, _, err := m.Users.Change(ctx, 9999, models.UserChange{Role: &learner}, ok); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("no such user: %v", err)
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct{ done, total, want int }{{0, 0, 0}, {1, 3, 33}, {2, 3, 66}, {3, 3, 100}} {
		if got := models.Percent(tc.done, tc.total); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.done, tc.total, got, tc.want)
		}
	}
}
