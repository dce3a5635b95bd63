package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"stepwise/models"
)

func TestUsersCreateAndAuthenticate(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u, err := m.Users.Create(ctx, models.NewUser{Email: "  Ada@Example.com ", DisplayName: " Ada ", Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if u.Email != "ada@example.com" || u.DisplayName != "Ada" || u.Role != models.RoleLearner {
		t.Errorf("got %q %q %q, want normalized email, trimmed name, learner", u.Email, u.DisplayName, u.Role)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("got hash %q, want argon2id with OWASP parameters", u.PasswordHash)
	}

	got, err := m.Users.Authenticate(ctx, "ADA@example.com", "correct horse battery")
	if err != nil || got.ID != u.ID {
		t.Fatalf("authenticate: got %v, %v; want user %d", got.ID, err, u.ID)
	}
	if _, err := m.Users.Authenticate(ctx, "ada@example.com", "wrong password"); !errors.Is(err, models.ErrInvalidCredentials) {
		t.Errorf("wrong password: got %v, want ErrInvalidCredentials", err)
	}
	if _, err := m.Users.Authenticate(ctx, "nobody@example.com", "whatever1"); !errors.Is(err, models.ErrInvalidCredentials) {
		t.Errorf("unknown email: got %v, want ErrInvalidCredentials", err)
	}
}

func TestUsersCreateDuplicateEmail(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	newUser(t, m, "dup@example.com")
	_, err := m.Users.Create(context.Background(), models.NewUser{Email: "DUP@example.com", DisplayName: "Other", Password: "another password"})
	if !errors.Is(err, models.ErrConflict) {
		t.Errorf("got %v, want ErrConflict", err)
	}
}

func TestUsersByIDNotFound(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	if _, err := m.Users.ByID(context.Background(), 999); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}
