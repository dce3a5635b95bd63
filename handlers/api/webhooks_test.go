package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type webhookOut struct {
	ID     int64    `json:"id"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret"`
}

func TestWebhooksCreateShowDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	as := srv.as(srv.token(author, "read", "write"))

	r := as.post("/api/v1/webhooks", map[string]any{
		"url": "https://hooks.example.com/in?key=receivers-own", "events": []string{"guide.published", "progress.step_completed"},
	}).want(t, http.StatusCreated)
	var out webhookOut
	r.JSON(t, &out)
	if !strings.HasPrefix(out.Secret, models.WebhookSecretPrefix) || strings.Join(out.Events, ",") != "guide.published,progress.step_completed" {
		t.Fatalf("created = %+v", out)
	}
	loc := r.Header.Get("Location")
	if loc != "/api/v1/webhooks/"+itoa64(out.ID) || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Location %q, Cache-Control %q", loc, r.Header.Get("Cache-Control"))
	}
	if n := auditCount(t, srv, models.EventWebhookCreated); n != 1 {
		t.Errorf("%d audit entries for the creation, want 1", n)
	}

	// The secret is never shown again; ETags work.
	got := as.get(loc).want(t, http.StatusOK)
	if strings.Contains(string(got.Body), out.Secret) {
		t.Fatal("the secret is shown again")
	}
	tag := got.Header.Get("ETag")
	as.with("If-None-Match", tag).get(loc).want(t, http.StatusNotModified)
	if list := as.get("/api/v1/webhooks").want(t, http.StatusOK); strings.Contains(string(list.Body), out.Secret) {
		t.Fatal("the secret is listed")
	}

	// Delete needs the current ETag.
	as.delete(loc).want(t, http.StatusPreconditionRequired)
	as.with("If-Match", `"stale"`).delete(loc).want(t, http.StatusPreconditionFailed)
	as.with("If-Match", tag).delete(loc).want(t, http.StatusNoContent)
	as.get(loc).want(t, http.StatusNotFound)
	if n := auditCount(t, srv, models.EventWebhookDeleted); n != 1 {
		t.Errorf("%d audit entries for the deletion, want 1", n)
	}
}

func TestWebhooksValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	as := srv.as(srv.token(srv.user(models.RoleAuthor), "read", "write"))
	p := as.post("/api/v1/webhooks", map[string]any{"url": "ftp://x", "events": []string{"user.created"}}).
		want(t, http.StatusUnprocessableEntity).Problem(t)
	if fields := strings.Join(fieldNames(p.Errors), ","); fields != "events,url" {
		t.Errorf("fields = %s", fields)
	}
	if !strings.Contains(p.Errors[0].Detail, "Only admins") {
		t.Errorf("an author may ask for user.created: %+v", p.Errors)
	}
	as.post("/api/v1/webhooks", map[string]any{"url": "https://x.example", "events": []string{"guide.published"}, "secret": "mine"}).
		want(t, http.StatusBadRequest)
	as.post("/api/v1/webhooks", "url=https://x.example").want(t, http.StatusUnsupportedMediaType)
}

// Learners have no webhooks (403); another user's webhook is 404 for
// every operation on it; a read token cannot change anything.
func TestWebhooksAccess(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := srv.user(models.RoleAdmin)
	in := models.NewWebhook{URL: "https://hooks.example.com/admin", Events: []string{models.EventUserCreated}}
	in.Validate(&admin)
	hook, _, err := srv.Models.Webhooks.Create(context.Background(), admin.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/webhooks/" + itoa64(hook.ID)

	srv.as("").get("/api/v1/webhooks").want(t, http.StatusUnauthorized)
	learner := srv.as(srv.token(srv.user(models.RoleLearner), "read", "write"))
	learner.get("/api/v1/webhooks").want(t, http.StatusForbidden)
	learner.post("/api/v1/webhooks", map[string]any{"url": "https://x.example", "events": []string{"guide.published"}}).want(t, http.StatusForbidden)
	learner.get(path).want(t, http.StatusForbidden)

	other := srv.as(srv.token(srv.user(models.RoleAuthor), "read", "write"))
	other.get(path).want(t, http.StatusNotFound)
	other.get(path+"/deliveries").want(t, http.StatusNotFound)
	other.post(path+"/test", nil).want(t, http.StatusNotFound)
	other.with("If-Match", "*").delete(path).want(t, http.StatusNotFound)
	other.get("/api/v1/webhooks/abc").want(t, http.StatusNotFound)

	reader := srv.as(srv.token(admin, "read"))
	reader.get(path).want(t, http.StatusOK)
	reader.post(path+"/test", nil).want(t, http.StatusForbidden)
	if _, err := srv.Models.Webhooks.ByID(context.Background(), admin.ID, hook.ID); err != nil {
		t.Fatalf("the webhook is gone: %v", err)
	}
}

type deliveryPage struct {
	Items []struct {
		ID     int64  `json:"id"`
		Event  string `json:"event"`
		Status string `json:"status"`
		Body   struct {
			ID    string `json:"id"`
			Event string `json:"event"`
		} `json:"body"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func TestWebhookTestAndDeliveriesPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := srv.user(models.RoleAdmin)
	as := srv.as(srv.token(admin, "read", "write"))
	var hook webhookOut
	as.post("/api/v1/webhooks", map[string]any{"url": "https://hooks.example.com/in", "events": []string{"user.created"}}).
		want(t, http.StatusCreated).JSON(t, &hook)
	path := "/api/v1/webhooks/" + itoa64(hook.ID)
	for range 3 {
		r := as.post(path+"/test", nil).want(t, http.StatusAccepted)
		if m := r.Map(t); m["event"] != models.EventWebhookTest || m["status"] != models.DeliveryPending {
			t.Fatalf("queued = %v", m)
		}
	}
	srv.user(models.RoleLearner) // a user.created delivery, queued last

	var first deliveryPage
	r := as.get(path+"/deliveries?limit=2").want(t, http.StatusOK)
	r.JSON(t, &first)
	if len(first.Items) != 2 || first.NextCursor == nil || first.Items[0].Event != models.EventUserCreated {
		t.Fatalf("first page = %+v", first)
	}
	if first.Items[0].Body.ID != itoa64(first.Items[0].ID) || first.Items[0].Body.Event != models.EventUserCreated {
		t.Errorf("body = %+v", first.Items[0].Body)
	}
	if !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
		t.Errorf("Link = %q", r.Header.Get("Link"))
	}
	var second deliveryPage
	as.get(path+"/deliveries?limit=2&cursor="+*first.NextCursor).want(t, http.StatusOK).JSON(t, &second)
	if len(second.Items) != 2 || second.NextCursor != nil || second.Items[0].ID >= first.Items[1].ID {
		t.Fatalf("second page = %+v", second)
	}
	as.get(path+"/deliveries?cursor=%%%").want(t, http.StatusBadRequest)
	as.get(path+"/deliveries?limit=0").want(t, http.StatusBadRequest)
}
