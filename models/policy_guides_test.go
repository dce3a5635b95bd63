package models_test

import (
	"testing"
	"time"

	"stepwise/models"
)

func TestGuidePolicy(t *testing.T) {
	t.Parallel()
	now := time.Now()
	published := models.Guide{ID: 1, PublishedAt: &now}
	draft := models.Guide{ID: 2}
	learner := &models.User{ID: 1, Role: models.RoleLearner}
	other := &models.User{ID: 2, Role: models.RoleLearner}
	author := &models.User{ID: 3, Role: models.RoleAuthor}
	admin := &models.User{ID: 4, Role: models.RoleAdmin}
	owned := func(owner *models.User) models.Editable {
		return models.Editable{Guide: models.Guide{AuthorID: &owner.ID}}
	}
	coAuthored := models.Editable{Guide: models.Guide{AuthorID: &author.ID}, CoAuthor: true}
	builtin := models.Editable{Guide: models.Guide{}}

	guideCases := []struct {
		name   string
		policy func(*models.User, models.Guide) bool
		user   *models.User
		guide  models.Guide
		want   bool
	}{
		{"visitor reads published", models.CanReadGuide, nil, published, true},
		{"visitor reads draft", models.CanReadGuide, nil, draft, false},
		{"visitor tracks progress", models.CanTrackProgress, nil, published, false},
		{"learner tracks progress", models.CanTrackProgress, learner, published, true},
		{"learner tracks draft", models.CanTrackProgress, learner, draft, false},
	}
	for _, tc := range guideCases {
		if got := tc.policy(tc.user, tc.guide); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	createCases := []struct {
		name string
		user *models.User
		want bool
	}{
		{"learner creates a guide", learner, false},
		{"author creates a guide", author, true},
		{"admin creates a guide", admin, true},
		{"visitor creates a guide", nil, false},
	}
	for _, tc := range createCases {
		if got := models.CanCreateGuide(tc.user); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	editableCases := []struct {
		name   string
		policy func(*models.User, models.Editable) bool
		user   *models.User
		e      models.Editable
		want   bool
	}{
		{"author edits own guide", models.CanEditGuide, author, owned(author), true},
		{"author edits another's guide", models.CanEditGuide, author, owned(other), false},
		{"co-author edits", models.CanEditGuide, other, coAuthored, true},
		{"admin edits any guide", models.CanEditGuide, admin, owned(author), true},
		{"author edits the built-in guide", models.CanEditGuide, author, builtin, false},
		{"visitor edits", models.CanEditGuide, nil, owned(author), false},
		{"owner deletes own guide", models.CanDeleteGuide, author, owned(author), true},
		{"co-author deletes", models.CanDeleteGuide, other, coAuthored, false},
		{"admin deletes any guide", models.CanDeleteGuide, admin, owned(author), true},
		{"author deletes the built-in guide", models.CanDeleteGuide, author, builtin, false},
		{"visitor deletes", models.CanDeleteGuide, nil, owned(author), false},
	}
	for _, tc := range editableCases {
		if got := tc.policy(tc.user, tc.e); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
