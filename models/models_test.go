package models_test

import (
	"context"
	"testing"

	"stepwise/db/dbtest"
	"stepwise/models"
)

func newModels(t *testing.T) *models.Models {
	t.Helper()
	return models.New(dbtest.New(t))
}

// seedGuide stores a published guide with n steps through the same loader
// the built-in guide uses.
func seedGuide(t *testing.T, m *models.Models, slug string, n int) models.Guide {
	t.Helper()
	ctx := context.Background()
	if _, err := m.Guides.LoadBuiltinGuides(ctx, guideFS(slug, n)); err != nil {
		t.Fatalf("load guide: %v", err)
	}
	g, err := m.Guides.BySlug(ctx, slug)
	if err != nil {
		t.Fatalf("guide by slug: %v", err)
	}
	return g
}

func newUser(t *testing.T, m *models.Models, email string) models.User {
	t.Helper()
	u, err := m.Users.Create(context.Background(), models.NewUser{Email: email, DisplayName: "Test " + email, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}
