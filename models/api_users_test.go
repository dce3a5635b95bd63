package models_test

import (
	"context"
	"testing"

	"stepwise/models"
)

func TestUsersAfter(t *testing.T) {
	t.Parallel()
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

func TestPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ done, total, want int }{{0, 0, 0}, {1, 3, 33}, {2, 3, 66}, {3, 3, 100}} {
		if got := models.Percent(tc.done, tc.total); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.done, tc.total, got, tc.want)
		}
	}
}
