package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"stepwise/models"
)

// tokenRoutes are TestEveryRouteByRole's rows for the tokens pages and
// the API reference: the token in the URL is the admin's, so everyone
// else is told it does not exist.
func tokenRoutes(t *testing.T, srv *server, emails map[string]string) map[string]routeCase {
	t.Helper()
	tok := apiToken(t, srv, mustUser(t, srv, emails["admin"]).ID, "read")
	return map[string]routeCase{
		"GET /account/tokens":             {path: "/account/tokens", want: signedIn(303, 200)},
		"POST /account/tokens":            {path: "/account/tokens", form: url.Values{}, want: signedIn(303, 422)},
		"POST /account/tokens/:id/revoke": {path: fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), form: url.Values{}, want: map[string]int{"anonymous": 303, "learner": 404, "other": 404, "author": 404, "admin": 303}},
		"GET /api/docs":                   {path: "/api/docs", want: all(200)},
	}
}

// apiToken makes a token for userID through the model.
func apiToken(t *testing.T, srv *server, userID int64, scopes ...string) models.APIToken {
	t.Helper()
	tok, _, err := srv.Models.APITokens.Create(context.Background(), userID, models.NewAPIToken{Name: "made in a test", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// apiGet calls the JSON API with a bearer token, as an integration would.
func apiGet(c *client, path, token string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return c.do(req)
}

func tokenAudit(t *testing.T, srv *server, event string) []models.AuditEntry {
	t.Helper()
	list, _, err := srv.Models.Audit.List(context.Background(), models.AuditFilter{Event: event})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAccountTokensCreateShownOnceAndWorks(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada := srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)
	if ada.get("/account").doc(t).Find(`[data-testid="account-tokens"] a[href="/account/tokens"]`).Length() != 1 {
		t.Errorf("the account page does not link to the tokens page")
	}

	// The form starts with read only and 90 days; a learner is not
	// offered the admin scope.
	page := ada.get("/account/tokens")
	wantStatus(t, page, http.StatusOK)
	doc := page.doc(t)
	if page.testid(t, "no-tokens").Length() != 1 {
		t.Errorf("no empty-list message")
	}
	if _, ok := doc.Find("#scope-read").Attr("checked"); !ok {
		t.Errorf("read is not checked by default")
	}
	if _, ok := doc.Find("#scope-write").Attr("checked"); ok {
		t.Errorf("write is checked by default")
	}
	if doc.Find("#scope-admin").Length() != 0 {
		t.Errorf("a learner is offered the admin scope")
	}
	if v, _ := doc.Find("#expires option[selected]").Attr("value"); v != "90" {
		t.Errorf("default expiry: got %q, want 90", v)
	}
	if doc.Find(`a[href="/api/docs"]`).Length() == 0 {
		t.Errorf("the tokens page does not link to the API reference")
	}

	r := ada.postForm("/account/tokens", "/account/tokens", url.Values{
		"name": {"HR sync"}, "scopes": {"read", "write"}, "expires": {"30"},
	})
	wantStatus(t, r, http.StatusCreated)
	text, _ := r.testid(t, "token-text").Attr("value")
	if !strings.HasPrefix(text, models.APITokenPrefix) {
		t.Fatalf("token shown: got %q", text)
	}
	if r.testid(t, "token-warning").Length() != 1 {
		t.Errorf("no warning that the token is shown once")
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}

	// It works against the API, with the scopes and expiry chosen.
	me := apiGet(ada, "/api/v1/me", text)
	wantStatus(t, me, http.StatusOK)
	if !strings.Contains(me.Body, `"ada@example.com"`) {
		t.Errorf("GET /api/v1/me: got %.300s", me.Body)
	}
	list, err := srv.Models.APITokens.List(context.Background(), mustUser(t, srv, "ada@example.com").ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("tokens: got %d, %v", len(list), err)
	}
	if list[0].ScopeList != "read,write" || list[0].ExpiresAt == nil ||
		list[0].ExpiresAt.Sub(time.Now().AddDate(0, 0, 30)).Abs() > time.Minute {
		t.Errorf("token stored: got %+v", list[0])
	}

	// The list shows it by name, prefix and scopes, never its text again.
	page = ada.get("/account/tokens")
	if strings.Contains(page.Body, text) {
		t.Errorf("the list shows the token's text again")
	}
	item := page.testid(t, "token-item")
	if item.Length() != 1 || !strings.Contains(item.Text(), "HR sync") || !strings.Contains(item.Text(), list[0].Prefix) ||
		item.Find(`[data-testid="token-scopes"]`).Text() != "read, write" {
		t.Errorf("token list: got %q", item.Text())
	}
	entries := tokenAudit(t, srv, models.EventAPITokenCreated)
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "HR sync") || strings.Contains(entries[0].Detail, text) {
		t.Errorf("audit of the creation: got %+v", entries)
	}
}

func TestAccountTokensValidationKeepsInput(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada := srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)

	r := ada.postForm("/account/tokens", "/account/tokens", url.Values{
		"name": {"   "}, "scopes": {"write"}, "expires": {"never"},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	doc := r.doc(t)
	if r.testid(t, "name-error").Length() != 1 {
		t.Errorf("no error for the empty name")
	}
	if _, ok := doc.Find("#scope-write").Attr("checked"); !ok {
		t.Errorf("the chosen scope was not kept")
	}
	if _, ok := doc.Find("#scope-read").Attr("checked"); ok {
		t.Errorf("read was checked though the user unticked it")
	}
	if v, _ := doc.Find("#expires option[selected]").Attr("value"); v != "never" {
		t.Errorf("expiry kept: got %q, want never", v)
	}

	// No scope, an expiry not offered, a name too long.
	long := strings.Repeat("n", models.APITokenNameMaxLen+1)
	r = ada.postForm("/account/tokens", "/account/tokens", url.Values{"name": {long}, "expires": {"7"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, id := range []string{"name-error", "scopes-error", "expires-error"} {
		if r.testid(t, id).Length() != 1 {
			t.Errorf("no %s", id)
		}
	}
	if v, _ := r.doc(t).Find("#name").Attr("value"); v != long {
		t.Errorf("name not kept")
	}

	// A learner cannot have the admin scope, even by posting it.
	r = ada.postForm("/account/tokens", "/account/tokens", url.Values{
		"name": {"Sneaky"}, "scopes": {"read", "admin"}, "expires": {"30"},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.testid(t, "scopes-error").Text(); !strings.Contains(got, "administrators") {
		t.Errorf("admin scope for a learner: got error %q", got)
	}
	if v, _ := r.doc(t).Find("#name").Attr("value"); v != "Sneaky" {
		t.Errorf("name not kept: got %q", v)
	}
	list, err := srv.Models.APITokens.List(context.Background(), mustUser(t, srv, "ada@example.com").ID)
	if err != nil || len(list) != 0 {
		t.Errorf("tokens after refused forms: got %d, %v; want none", len(list), err)
	}
}

func TestAccountTokensAdminScope(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	if admin.get("/account/tokens").doc(t).Find("#scope-admin").Length() != 1 {
		t.Errorf("an admin is not offered the admin scope")
	}
	r := admin.postForm("/account/tokens", "/account/tokens", url.Values{
		"name": {"User sync"}, "scopes": {"read", "admin"}, "expires": {"365"},
	})
	wantStatus(t, r, http.StatusCreated)
	list, err := srv.Models.APITokens.List(context.Background(), mustUser(t, srv, "root@example.com").ID)
	if err != nil || len(list) != 1 || list[0].ScopeList != "read,admin" {
		t.Errorf("admin token: got %+v, %v", list, err)
	}
}

func TestAccountTokensRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada := srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)
	bob := srv.client()
	bob.signup("bob@example.com", "Bob", strongPassword)
	adaID := mustUser(t, srv, "ada@example.com").ID
	tok, text, err := srv.Models.APITokens.Create(context.Background(), adaID, models.NewAPIToken{Name: "Script", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/account/tokens/%d/revoke", tok.ID)

	// Someone else's token, and ids that are no token: not found, and
	// the token keeps working.
	wantStatus(t, bob.postForm("/account/tokens", path, nil), http.StatusNotFound)
	for _, bad := range []string{"/account/tokens/0/revoke", "/account/tokens/x/revoke", "/account/tokens/99999999999999999999/revoke"} {
		wantStatus(t, ada.postForm("/account/tokens", bad, nil), http.StatusNotFound)
	}
	wantStatus(t, apiGet(ada, "/api/v1/me", text), http.StatusOK)

	r := ada.postForm("/account/tokens", path, nil)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account/tokens?done=revoked" {
		t.Errorf("redirect: got %q", loc)
	}
	page := ada.get("/account/tokens?done=revoked")
	if page.testid(t, "notice").Length() != 1 || page.testid(t, "token-item").Length() != 0 {
		t.Errorf("after revoking: notice %d, tokens listed %d", page.testid(t, "notice").Length(), page.testid(t, "token-item").Length())
	}
	wantStatus(t, apiGet(ada, "/api/v1/me", text), http.StatusUnauthorized)
	entries := tokenAudit(t, srv, models.EventAPITokenRevoked)
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "Script") {
		t.Errorf("audit of the revocation: got %+v", entries)
	}
	// Revoking twice finds nothing.
	wantStatus(t, ada.postForm("/account/tokens", path, nil), http.StatusNotFound)
}

// An expired token stays listed, marked, so its owner sees why an
// integration stopped.
func TestAccountTokensExpiredShown(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada := srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)
	past := time.Now().Add(-time.Hour)
	_, _, err := srv.Models.APITokens.Create(context.Background(), mustUser(t, srv, "ada@example.com").ID,
		models.NewAPIToken{Name: "Old", Scopes: []string{"read"}, ExpiresAt: &past})
	if err != nil {
		t.Fatal(err)
	}
	page := ada.get("/account/tokens")
	if page.testid(t, "token-item").Length() != 1 || page.testid(t, "token-expired").Length() != 1 {
		t.Errorf("expired token: items %d, expired badges %d", page.testid(t, "token-item").Length(), page.testid(t, "token-expired").Length())
	}
}

// The data export lists the tokens without their text.
func TestAccountExportHasTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ada := srv.client()
	ada.signup("ada@example.com", "Ada", strongPassword)
	_, text, err := srv.Models.APITokens.Create(context.Background(), mustUser(t, srv, "ada@example.com").ID,
		models.NewAPIToken{Name: "Exported", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	r := ada.get("/account/export")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `"api_tokens":[{"name":"Exported"`) || strings.Contains(r.Body, text) {
		t.Errorf("export: got %.800s", r.Body)
	}
}
