package admin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"stepwise/models"
	"stepwise/models/admin"
)

// subscribe creates a webhook of owner's to guide.published at url.
func (f *fixture) subscribe(owner *models.User, url string) (admin.CreatedWebhook, error) {
	return f.ops.CreateWebhook(context.Background(), owner, origin(owner),
		models.NewWebhook{URL: url, Events: []string{models.EventGuidePublished}})
}

func TestCreateWebhook(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	author := f.user(models.RoleAuthor)

	got, err := f.ops.CreateWebhook(context.Background(), author, origin(author), models.NewWebhook{
		URL: " https://hooks.example.com/in?key=theirs ", Events: []string{models.EventStepCompleted, models.EventGuidePublished},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Secret, models.WebhookSecretPrefix) || got.Webhook.URL != "https://hooks.example.com/in?key=theirs" ||
		got.Webhook.EventList != "guide.published,progress.step_completed" || got.Webhook.UserID != author.ID {
		t.Fatalf("created %+v", got)
	}
	detail := fmt.Sprintf("webhook %d to hooks.example.com for guide.published,progress.step_completed", got.Webhook.ID)
	f.wantAudit(models.EventWebhookCreated, author.ID, author.ID, detail)
}

func TestCreateWebhookRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	learner, author := f.user(models.RoleLearner), f.user(models.RoleAuthor)

	_, err := f.subscribe(learner, "https://hooks.example.com/in")
	wantRefusal(t, err, models.RefusedForbidden, "webhooks_forbidden")

	_, err = f.subscribe(author, "ftp://hooks.example.com/in")
	if r := wantRefusal(t, err, models.RefusedInvalid, "invalid"); r.Fields["url"] == "" {
		t.Errorf("no message for the URL: %+v", r.Fields)
	}
	_, err = f.ops.CreateWebhook(ctx, author, origin(author), models.NewWebhook{URL: "https://hooks.example.com/in", Events: []string{models.EventUserCreated}})
	if r := wantRefusal(t, err, models.RefusedInvalid, "invalid"); r.Fields["events"] == "" {
		t.Errorf("an author subscribed to user.created: %+v", r.Fields)
	}

	// Private targets, until an admin allows them.
	for _, url := range []string{"http://127.0.0.1:8080/in", "http://[::1]/in", "http://10.0.0.7/in", "http://localhost/in", "http://169.254.169.254/latest"} {
		_, err = f.subscribe(author, url)
		if r := wantRefusal(t, err, models.RefusedInvalid, "invalid"); !strings.Contains(r.Fields["url"], "private") {
			t.Errorf("%s: url message %q", url, r.Fields["url"])
		}
	}
	root := f.admin()
	if _, err := f.ops.ChangeSettings(ctx, root, origin(root), admin.SiteSettings{PrivateWebhookTargets: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.subscribe(author, "http://127.0.0.1:8080/in"); err != nil {
		t.Fatalf("a private target with the setting on: %v", err)
	}

	// One subscription too many.
	for i := 1; i < models.WebhooksPerUser; i++ {
		if _, err := f.subscribe(author, fmt.Sprintf("https://hooks.example.com/%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.subscribe(author, "https://hooks.example.com/one-more")
	if r := wantRefusal(t, err, models.RefusedInvalid, "invalid"); !strings.Contains(r.Fields["url"], "already") {
		t.Errorf("too many: %+v", r.Fields)
	}
	if n := len(f.audit(models.EventWebhookCreated)); n != models.WebhooksPerUser {
		t.Errorf("%d webhook.created rows, want %d", n, models.WebhooksPerUser)
	}
}

func TestDeleteWebhook(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	author := f.user(models.RoleAuthor)
	created, err := f.subscribe(author, "https://hooks.example.com/in")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.ops.DeleteWebhook(ctx, author, origin(author), admin.WebhookDeletion{ID: created.Webhook.ID})
	if err != nil || got.ID != created.Webhook.ID {
		t.Fatalf("delete: %+v, %v", got, err)
	}
	if _, err := f.m.Webhooks.ByID(ctx, author.ID, got.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the webhook is still there: %v", err)
	}
	f.wantAudit(models.EventWebhookDeleted, author.ID, author.ID, fmt.Sprintf("webhook %d to hooks.example.com", got.ID))
}

func TestDeleteWebhookRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	author, other, learner := f.user(models.RoleAuthor), f.user(models.RoleAuthor), f.user(models.RoleLearner)
	created, err := f.subscribe(author, "https://hooks.example.com/in")
	if err != nil {
		t.Fatal(err)
	}
	id := created.Webhook.ID

	_, err = f.ops.DeleteWebhook(ctx, learner, origin(learner), admin.WebhookDeletion{ID: id})
	wantRefusal(t, err, models.RefusedForbidden, "webhooks_forbidden")
	_, err = f.ops.DeleteWebhook(ctx, other, origin(other), admin.WebhookDeletion{ID: id})
	wantRefusal(t, err, models.RefusedNotFound, "webhook_not_found")
	_, err = f.ops.DeleteWebhook(ctx, author, origin(author), admin.WebhookDeletion{ID: 99999})
	wantRefusal(t, err, models.RefusedNotFound, "webhook_not_found")
	stale := errors.New("stale")
	_, err = f.ops.DeleteWebhook(ctx, author, origin(author), admin.WebhookDeletion{
		ID: id, Precondition: func(models.Webhook) error { return stale },
	})
	if !errors.Is(err, stale) {
		t.Fatalf("precondition: got %v", err)
	}

	if _, err := f.m.Webhooks.ByID(ctx, author.ID, id); err != nil {
		t.Fatalf("a refused deletion deleted: %v", err)
	}
	if n := len(f.audit(models.EventWebhookDeleted)); n != 0 {
		t.Errorf("%d webhook.deleted rows for refused deletions", n)
	}
}
