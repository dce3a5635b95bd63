package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

// apiTokenText makes a token for userID through the model and returns its
// text, as its owner would have copied it.
func apiTokenText(t *testing.T, srv *server, userID int64) string {
	t.Helper()
	_, text, err := srv.Models.APITokens.Create(context.Background(), userID,
		models.NewAPIToken{Name: "sync script", Scopes: []string{models.ScopeRead}})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// revokedEvents lists the audit details of api_token.revoked events.
func revokedEvents(t *testing.T, srv *server) []string {
	t.Helper()
	var out []string
	for _, e := range tokenAudit(t, srv, models.EventAPITokenRevoked) {
		out = append(out, e.Detail)
	}
	return out
}

func TestPasswordResetRevokesAPITokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.client()
	owner.signup("tokens@example.com", "Toni", strongPassword)
	u := mustUser(t, srv, "tokens@example.com")
	first, second := apiTokenText(t, srv, u.ID), apiTokenText(t, srv, u.ID)
	other := srv.client()
	other.signup("bystander@example.com", "Bea", "other "+strongPassword)
	bystander := apiTokenText(t, srv, mustUser(t, srv, "bystander@example.com").ID)
	for _, tok := range []string{first, second, bystander} {
		wantStatus(t, apiGet(owner, "/api/v1/me", tok), http.StatusOK)
	}

	visitor := srv.client()
	wantStatus(t, visitor.forgot("tokens@example.com"), http.StatusSeeOther)
	link := srv.mailLink("tokens@example.com", "Reset your Stepwise password")
	form := visitor.get(link)
	wantStatus(t, form, http.StatusOK)
	if got := form.testid(t, "reset-effects").Text(); !strings.Contains(got, "signs you out on every device") || !strings.Contains(got, "revokes your API tokens") {
		t.Errorf("the reset page does not say what happens to sessions and tokens: %q", got)
	}
	doc := form.doc(t)
	r := visitor.post("/password/reset", url.Values{
		"csrf_token": {doc.Find(`input[name="csrf_token"]`).AttrOr("value", "")},
		"token":      {doc.Find(`input[name="token"]`).AttrOr("value", "")},
		"password":   {"violet harbor sketch 93"},
	})
	wantStatus(t, r, http.StatusSeeOther)
	if loc(r) != "/login?done=reset-tokens" {
		t.Errorf("redirect: got %q, want /login?done=reset-tokens", loc(r))
	}
	if got := visitor.get(loc(r)).testid(t, "notice").Text(); !strings.Contains(got, "your API tokens were revoked") {
		t.Errorf("login notice: got %q", got)
	}

	for _, tok := range []string{first, second} {
		wantStatus(t, apiGet(owner, "/api/v1/me", tok), http.StatusUnauthorized)
	}
	wantStatus(t, apiGet(owner, "/api/v1/me", bystander), http.StatusOK)
	if got := revokedEvents(t, srv); len(got) != 1 || got[0] != "all 2 tokens, on a password reset by email" {
		t.Errorf("api_token.revoked events: got %q, want one for both tokens", got)
	}
	if n, err := srv.Models.APITokens.CountActive(context.Background(), u.ID); err != nil || n != 0 {
		t.Errorf("active tokens after the reset: %d, %v; want 0", n, err)
	}
}

func TestChangePasswordRevokesAPITokensOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.client()
	a.signup("change@example.com", "Cleo", strongPassword)
	u := mustUser(t, srv, "change@example.com")

	// Without tokens there is nothing to offer.
	if got := a.get("/account").testid(t, "revoke-tokens").Length(); got != 0 {
		t.Errorf("revoke box shown without tokens")
	}
	tokA, tokB := apiTokenText(t, srv, u.ID), apiTokenText(t, srv, u.ID)

	page := a.get("/account")
	box := page.testid(t, "revoke-tokens")
	if box.Length() != 1 || box.AttrOr("type", "") != "checkbox" || box.AttrOr("name", "") != "revoke_tokens" {
		t.Fatalf("no revoke_tokens checkbox on the password form")
	}
	if _, checked := box.Attr("checked"); checked {
		t.Errorf("the box starts ticked; revoking must be asked for")
	}
	label := page.doc(t).Find(`label[for="` + box.AttrOr("id", "") + `"]`).Text()
	if label != "Also revoke my API tokens (2 active)" {
		t.Errorf("label: got %q", label)
	}
	if got := page.testid(t, "password-effects").Text(); !strings.Contains(got, "signs you out of every other browser") || !strings.Contains(got, "API tokens keep working") {
		t.Errorf("the form does not say what happens to sessions and tokens: %q", got)
	}

	// An error re-renders the form with the box as it was.
	csrf := a.csrf("/account")
	r := a.post("/account/password", url.Values{"csrf_token": {csrf}, "current_password": {"wrong"}, "new_password": {"copper violin meadow 77"}, "revoke_tokens": {"on"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if _, checked := r.testid(t, "revoke-tokens").Attr("checked"); !checked {
		t.Errorf("the ticked box was lost on re-render")
	}

	// Unticked: the tokens keep working.
	r = a.post("/account/password", url.Values{"csrf_token": {csrf}, "current_password": {strongPassword}, "new_password": {"copper violin meadow 77"}})
	wantStatus(t, r, http.StatusSeeOther)
	if got := a.get(loc(r)).testid(t, "notice").Text(); !strings.Contains(got, "your API tokens still work") {
		t.Errorf("notice: got %q", got)
	}
	for _, tok := range []string{tokA, tokB} {
		wantStatus(t, apiGet(a, "/api/v1/me", tok), http.StatusOK)
	}
	if got := revokedEvents(t, srv); len(got) != 0 {
		t.Errorf("tokens revoked without asking: %q", got)
	}

	// Ticked: they stop working, in the same change.
	r = a.post("/account/password", url.Values{"csrf_token": {a.csrf("/account")}, "current_password": {"copper violin meadow 77"}, "new_password": {"silver kettle orbit 58"}, "revoke_tokens": {"on"}})
	wantStatus(t, r, http.StatusSeeOther)
	page = a.get(loc(r))
	if got := page.testid(t, "notice").Text(); !strings.Contains(got, "your API tokens were revoked") {
		t.Errorf("notice: got %q", got)
	}
	for _, tok := range []string{tokA, tokB} {
		wantStatus(t, apiGet(a, "/api/v1/me", tok), http.StatusUnauthorized)
	}
	if got := page.testid(t, "revoke-tokens").Length(); got != 0 {
		t.Errorf("revoke box still offered with no active tokens")
	}
	if got := revokedEvents(t, srv); len(got) != 1 || got[0] != "all 2 tokens, with a password change" {
		t.Errorf("api_token.revoked events: got %q", got)
	}
	if n := countEvents(t, srv, models.EventPasswordChange); n != 2 {
		t.Errorf("password.change events: got %d, want 2", n)
	}
	wantStatus(t, srv.client().login("change@example.com", "silver kettle orbit 58", ""), http.StatusSeeOther)
}
