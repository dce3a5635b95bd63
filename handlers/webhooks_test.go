package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/handlers/webhook"
	"stepwise/models"
)

// webhookRoutes are TestEveryRouteByRole's rows for the webhook and
// settings pages: the webhook in the URL is the admin's, so the author
// (who may have webhooks) is told it does not exist and learners are
// forbidden the pages altogether.
func webhookRoutes(t *testing.T, srv *server, emails map[string]string) map[string]routeCase {
	t.Helper()
	hook := adminWebhook(t, srv, mustUser(t, srv, emails["admin"]))
	path := fmt.Sprintf("/account/webhooks/%d", hook.ID)
	authors := func(status, stranger int) map[string]int {
		return map[string]int{"anonymous": 303, "learner": 403, "other": 403, "author": stranger, "admin": status}
	}
	return map[string]routeCase{
		"GET /account/webhooks":             {path: "/account/webhooks", want: authors(200, 200)},
		"POST /account/webhooks":            {path: "/account/webhooks", form: url.Values{}, want: authors(422, 422)},
		"GET /account/webhooks/:id":         {path: path, want: authors(200, 404)},
		"POST /account/webhooks/:id/test":   {path: path + "/test", form: url.Values{}, want: authors(303, 404)},
		"POST /account/webhooks/:id/delete": {path: path + "/delete", form: url.Values{}, want: authors(422, 404)},
		"GET /admin/settings":               {path: "/admin/settings", want: adminOnly(200)},
		"POST /admin/settings":              {path: "/admin/settings", form: url.Values{}, want: adminOnly(303)},
	}
}

func adminWebhook(t *testing.T, srv *server, admin models.User) models.Webhook {
	t.Helper()
	in := models.NewWebhook{URL: "https://hooks.example.com/in", Events: []string{models.EventUserCreated}}
	if errs := in.Validate(&admin); errs.Any() {
		t.Fatal(errs)
	}
	hook, _, err := srv.Models.Webhooks.Create(context.Background(), admin.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return hook
}

func TestWebhookPagesCreateTestAndDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "writer@example.com", models.RoleAuthor)
	list := author.get("/account/webhooks")
	wantStatus(t, list, http.StatusOK)
	// How to check a delivery is on the page, not in the README
	// (issue 13), and matches what deliveries carry.
	help := strings.Join(strings.Fields(list.testid(t, "signature-help").Text()), " ")
	for _, want := range []string{webhook.HeaderSignature + ": t=", "HMAC-SHA256", "<t>.<raw body>", "constant time",
		fmt.Sprintf("%.0f minutes", webhook.ReplayWindow.Minutes()), "openssl dgst -sha256 -hmac"} {
		if !strings.Contains(help, want) {
			t.Errorf("the signature help lacks %q: %s", want, help)
		}
	}
	if strings.Contains(list.Body, "README") {
		t.Errorf("the webhooks page sends its users to the README")
	}
	if author.get("/account").testid(t, "account-webhooks").Length() != 1 {
		t.Errorf("the account page does not link an author to webhooks")
	}

	// An author may not ask for new accounts: 422, the input kept.
	r := author.postForm("/account/webhooks", "/account/webhooks", url.Values{
		"url": {"https://hooks.example.com/a"}, "events": {models.EventUserCreated, models.EventGuidePublished},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "events-error").Length() != 1 {
		t.Errorf("no error for user.created")
	}
	if v, _ := r.doc(t).Find("#url").Attr("value"); v != "https://hooks.example.com/a" {
		t.Errorf("URL not kept: got %q", v)
	}
	if _, ok := r.doc(t).Find(`input[value="guide.published"]`).Attr("checked"); !ok {
		t.Errorf("chosen event not kept")
	}
	if r.doc(t).Find(`input[value="user.created"]`).Length() != 0 {
		t.Errorf("an author is offered user.created")
	}

	// Created: the secret is shown once, not cached, and audited.
	r = author.postForm("/account/webhooks", "/account/webhooks", url.Values{
		"url": {"https://hooks.example.com/a?token=receivers-own"}, "events": {models.EventGuidePublished, models.EventStepCompleted},
	})
	wantStatus(t, r, http.StatusCreated)
	secret := r.testid(t, "webhook-secret").Text()
	if !strings.HasPrefix(secret, models.WebhookSecretPrefix) {
		t.Errorf("secret: got %q", secret)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}
	u := mustUser(t, srv, "writer@example.com")
	hooks, err := srv.Models.Webhooks.ForUser(context.Background(), u.ID)
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhooks: got %d, %v", len(hooks), err)
	}
	path := fmt.Sprintf("/account/webhooks/%d", hooks[0].ID)
	page := author.get(path)
	wantStatus(t, page, http.StatusOK)
	if strings.Contains(page.Body, secret) || page.testid(t, "webhook-secret").Length() != 0 {
		t.Errorf("the secret is shown again")
	}
	entries, _, err := srv.Models.Audit.List(context.Background(), models.AuditFilter{Event: models.EventWebhookCreated})
	if err != nil || len(entries) != 1 || strings.Contains(entries[0].Detail, "receivers-own") {
		t.Errorf("audit of the creation: got %+v, %v; want one entry naming the host only", entries, err)
	}

	// A test event is queued and listed.
	wantStatus(t, author.postForm(path, path+"/test", nil), http.StatusSeeOther)
	page = author.get(path)
	if rows := page.testid(t, "delivery-row"); rows.Length() != 1 || rows.AttrOr("data-status", "") != models.DeliveryPending {
		t.Errorf("deliveries after a test: got %d rows", rows.Length())
	}

	// Deleting needs the confirmation.
	r = author.postForm(path, path+"/delete", nil)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "confirm-error").Length() != 1 {
		t.Errorf("no confirmation error")
	}
	wantStatus(t, author.postForm(path, path+"/delete", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	wantStatus(t, author.get(path), http.StatusNotFound)
	entries, _, _ = srv.Models.Audit.List(context.Background(), models.AuditFilter{Event: models.EventWebhookDeleted})
	if len(entries) != 1 {
		t.Errorf("audit of the deletion: got %d entries, want 1", len(entries))
	}
}

// A learner has no webhook pages; another user's webhook is not found,
// for every action on it, and stays.
func TestWebhookPagesForbiddenAndNotFound(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	hook := adminWebhook(t, srv, mustUser(t, srv, "root@example.com"))
	path := fmt.Sprintf("/account/webhooks/%d", hook.ID)
	learner := newAuthor(t, srv, "learner@example.com", models.RoleLearner)
	wantStatus(t, learner.get("/account/webhooks"), http.StatusForbidden)
	wantStatus(t, learner.get(path), http.StatusForbidden)
	if learner.get("/account").testid(t, "account-webhooks").Length() != 0 {
		t.Errorf("the account page offers a learner webhooks")
	}
	author := newAuthor(t, srv, "writer@example.com", models.RoleAuthor)
	wantStatus(t, author.get(path), http.StatusNotFound)
	wantStatus(t, author.postForm("/account/webhooks", path+"/test", nil), http.StatusNotFound)
	wantStatus(t, author.postForm("/account/webhooks", path+"/delete", url.Values{"confirm": {"yes"}}), http.StatusNotFound)
	wantStatus(t, author.get("/account/webhooks/abc"), http.StatusNotFound)
	wantStatus(t, admin.get(path), http.StatusOK)
	list, _, _ := srv.Models.Webhooks.Deliveries(context.Background(), hook.ID, 0, 10)
	for _, d := range list {
		if d.Event == models.EventWebhookTest {
			t.Errorf("another user's test request queued a test event")
		}
	}
}

func TestAdminSettingsPrivateWebhookTargets(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	author := newAuthor(t, srv, "writer@example.com", models.RoleAuthor)
	wantStatus(t, author.get("/admin/settings"), http.StatusForbidden)
	wantStatus(t, author.postForm("/account", "/admin/settings", url.Values{"private_webhook_targets": {"on"}}), http.StatusForbidden)

	ctx := context.Background()
	get := func() bool {
		on, err := srv.Models.Settings.Bool(ctx, models.SettingPrivateWebhookTargets)
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	if get() {
		t.Fatal("private targets are allowed by default")
	}
	wantStatus(t, admin.postForm("/admin/settings", "/admin/settings", url.Values{"private_webhook_targets": {"on"}}), http.StatusSeeOther)
	if !get() {
		t.Errorf("the setting did not turn on")
	}
	r := admin.get("/admin/settings?done=saved")
	if _, ok := r.doc(t).Find("#private_webhook_targets").Attr("checked"); !ok {
		t.Errorf("the form does not show the setting on")
	}
	wantStatus(t, admin.postForm("/admin/settings", "/admin/settings", nil), http.StatusSeeOther)
	if get() {
		t.Errorf("the setting did not turn off")
	}
	entries, _, _ := srv.Models.Audit.List(ctx, models.AuditFilter{Event: models.EventSettingsChanged})
	if len(entries) != 2 {
		t.Errorf("audit: got %d setting changes, want 2", len(entries))
	}
}

// Hostile values in the forms and parameters of one webhook's page: none
// is a server error, none is echoed unescaped, the webhook survives.
func TestWebhookPageHostileInput(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	hook := adminWebhook(t, srv, mustUser(t, srv, "root@example.com"))
	path := fmt.Sprintf("/account/webhooks/%d", hook.ID)
	for name, v := range hostile {
		rs := []*response{admin.postForm(path, path+"/delete", url.Values{"confirm": {v}})}
		// A 100 KB URL may be refused outright, which is fine.
		if r, err := admin.tryGet(path + "?" + url.Values{"before": {v}, "done": {v}}.Encode()); err == nil {
			rs = append(rs, r)
		}
		for _, r := range rs {
			if r.StatusCode >= 500 || strings.Contains(r.Body, "<script>alert(1)</script>") {
				t.Errorf("%s: status %d", name, r.StatusCode)
			}
		}
	}
	if _, err := srv.Models.Webhooks.ByID(context.Background(), hook.UserID, hook.ID); err != nil {
		t.Errorf("the webhook was deleted by hostile input: %v", err)
	}
}
