package models_test

import (
	"testing"
	"time"

	"stepwise/models"
)

func TestWebhookPolicy(t *testing.T) {
	t.Parallel()
	learner := &models.User{ID: 1, Role: models.RoleLearner}
	author := &models.User{ID: 3, Role: models.RoleAuthor}
	admin := &models.User{ID: 4, Role: models.RoleAdmin}
	at := time.Now()
	lockedAdmin := &models.User{ID: 5, Role: models.RoleAdmin, LockedAt: &at}

	manageCases := []struct {
		name string
		user *models.User
		want bool
	}{
		{"visitor manages webhooks", nil, false},
		{"learner manages webhooks", learner, false},
		{"author manages webhooks", author, true},
		{"admin manages webhooks", admin, true},
	}
	for _, tc := range manageCases {
		if got := models.CanManageWebhooks(tc.user); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	webhookCases := []struct {
		name string
		user *models.User
		hook models.Webhook
		want bool
	}{
		{"author manages own webhook", author, models.Webhook{UserID: author.ID}, true},
		{"admin manages another's webhook", admin, models.Webhook{UserID: author.ID}, false},
	}
	for _, tc := range webhookCases {
		if got := models.CanManageWebhook(tc.user, tc.hook); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	subscribeCases := []struct {
		name  string
		user  *models.User
		event string
		want  bool
	}{
		{"author subscribes to progress", author, models.EventStepCompleted, true},
		{"author subscribes to user.created", author, models.EventUserCreated, false},
		{"admin subscribes to user.created", admin, models.EventUserCreated, true},
		{"admin subscribes to an unknown event", admin, "user.deleted", false},
		{"learner subscribes", learner, models.EventGuidePublished, false},
	}
	for _, tc := range subscribeCases {
		if got := models.CanSubscribe(tc.user, tc.event); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	progress := func(editor bool) models.EventAudience {
		return models.EventAudience{Event: models.EventStepCompleted, Editor: editor}
	}
	receiveCases := []struct {
		name     string
		user     *models.User
		audience models.EventAudience
		want     bool
	}{
		{"editor receives progress", author, progress(true), true},
		{"other author receives progress", author, progress(false), false},
		{"admin receives progress", admin, progress(false), true},
		{"locked admin receives progress", lockedAdmin, progress(false), false},
		{"author receives a publication", author, models.EventAudience{Event: models.EventGuidePublished}, true},
		{"author receives user.created", author, models.EventAudience{Event: models.EventUserCreated, Editor: true}, false},
		{"learner receives a publication", learner, models.EventAudience{Event: models.EventGuidePublished}, false},
	}
	for _, tc := range receiveCases {
		if got := models.CanReceive(tc.user, tc.audience); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
