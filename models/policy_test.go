package models_test

import (
	"testing"
	"time"

	"stepwise/models"
)

func TestCan(t *testing.T) {
	t.Parallel()
	now := time.Now()
	published := models.Guide{ID: 1, PublishedAt: &now}
	draft := models.Guide{ID: 2}
	learner := &models.User{ID: 1, Role: models.RoleLearner}
	other := &models.User{ID: 2, Role: models.RoleLearner}
	author := &models.User{ID: 3, Role: models.RoleAuthor}
	admin := &models.User{ID: 4, Role: models.RoleAdmin}

	cases := []struct {
		name string
		user *models.User
		act  models.Action
		res  any
		want bool
	}{
		{"visitor reads published", nil, models.ReadGuide, published, true},
		{"visitor reads draft", nil, models.ReadGuide, draft, false},
		{"visitor tracks progress", nil, models.TrackProgress, published, false},
		{"learner tracks progress", learner, models.TrackProgress, published, true},
		{"learner tracks draft", learner, models.TrackProgress, draft, false},
		{"learner manages own account", learner, models.ManageAccount, learner, true},
		{"learner manages another account", learner, models.ManageAccount, other, false},
		{"admin manages another's account page", admin, models.ManageAccount, other, false},
		{"visitor manages account", nil, models.ManageAccount, learner, false},
		{"learner lists users", learner, models.ListUsers, nil, false},
		{"author lists users", author, models.ListUsers, nil, false},
		{"admin lists users", admin, models.ListUsers, nil, true},
		{"admin reads audit", admin, models.ReadAudit, nil, true},
		{"author reads audit", author, models.ReadAudit, nil, false},
		{"admin changes a role", admin, models.ChangeRole, other, true},
		{"admin changes own role", admin, models.ChangeRole, admin, false},
		{"admin locks self", admin, models.LockUser, admin, false},
		{"learner locks other", learner, models.LockUser, other, false},
		{"admin forces reset", admin, models.ForceReset, learner, true},
		{"unknown action", admin, models.Action("nope"), nil, false},
		{"learner creates a guide", learner, models.CreateGuide, nil, false},
		{"author creates a guide", author, models.CreateGuide, nil, true},
		{"admin creates a guide", admin, models.CreateGuide, nil, true},
		{"visitor creates a guide", nil, models.CreateGuide, nil, false},
		{"author edits own guide", author, models.EditGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, true},
		{"author edits another's guide", author, models.EditGuide, models.Editable{Guide: models.Guide{AuthorID: &other.ID}}, false},
		{"co-author edits", other, models.EditGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}, CoAuthor: true}, true},
		{"admin edits any guide", admin, models.EditGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, true},
		{"author edits the built-in guide", author, models.EditGuide, models.Editable{Guide: models.Guide{}}, false},
		{"visitor edits", nil, models.EditGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, false},
		{"owner deletes own guide", author, models.DeleteGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, true},
		{"co-author deletes", other, models.DeleteGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}, CoAuthor: true}, false},
		{"admin deletes any guide", admin, models.DeleteGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, true},
		{"author deletes the built-in guide", author, models.DeleteGuide, models.Editable{Guide: models.Guide{}}, false},
		{"visitor deletes", nil, models.DeleteGuide, models.Editable{Guide: models.Guide{AuthorID: &author.ID}}, false},
		{"delete with a wrong resource", admin, models.DeleteGuide, models.Guide{}, false},
		{"wrong resource type", learner, models.TrackProgress, "guide", false},
	}
	for _, tc := range cases {
		if got := models.Can(tc.user, tc.act, tc.res); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCanWebhooks(t *testing.T) {
	t.Parallel()
	learner := &models.User{ID: 1, Role: models.RoleLearner}
	author := &models.User{ID: 3, Role: models.RoleAuthor}
	admin := &models.User{ID: 4, Role: models.RoleAdmin}
	at := time.Now()
	lockedAdmin := &models.User{ID: 5, Role: models.RoleAdmin, LockedAt: &at}
	progress := func(editor bool) models.EventAudience {
		return models.EventAudience{Event: models.EventStepCompleted, Editor: editor}
	}
	cases := []struct {
		name string
		user *models.User
		act  models.Action
		res  any
		want bool
	}{
		{"visitor manages webhooks", nil, models.ManageWebhooks, nil, false},
		{"learner manages webhooks", learner, models.ManageWebhooks, nil, false},
		{"author manages webhooks", author, models.ManageWebhooks, nil, true},
		{"admin manages webhooks", admin, models.ManageWebhooks, nil, true},
		{"author manages own webhook", author, models.ManageWebhooks, models.Webhook{UserID: author.ID}, true},
		{"admin manages another's webhook", admin, models.ManageWebhooks, models.Webhook{UserID: author.ID}, false},
		{"author subscribes to progress", author, models.SubscribeEvent, models.EventStepCompleted, true},
		{"author subscribes to user.created", author, models.SubscribeEvent, models.EventUserCreated, false},
		{"admin subscribes to user.created", admin, models.SubscribeEvent, models.EventUserCreated, true},
		{"admin subscribes to an unknown event", admin, models.SubscribeEvent, "user.deleted", false},
		{"learner subscribes", learner, models.SubscribeEvent, models.EventGuidePublished, false},
		{"editor receives progress", author, models.ReceiveEvent, progress(true), true},
		{"other author receives progress", author, models.ReceiveEvent, progress(false), false},
		{"admin receives progress", admin, models.ReceiveEvent, progress(false), true},
		{"locked admin receives progress", lockedAdmin, models.ReceiveEvent, progress(false), false},
		{"author receives a publication", author, models.ReceiveEvent, models.EventAudience{Event: models.EventGuidePublished}, true},
		{"author receives user.created", author, models.ReceiveEvent, models.EventAudience{Event: models.EventUserCreated, Editor: true}, false},
		{"learner receives a publication", learner, models.ReceiveEvent, models.EventAudience{Event: models.EventGuidePublished}, false},
		{"admin changes settings", admin, models.ChangeSettings, nil, true},
		{"author changes settings", author, models.ChangeSettings, nil, false},
	}
	for _, tc := range cases {
		if got := models.Can(tc.user, tc.act, tc.res); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
