package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

const strongPassword = "amber lantern quietly 42"

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.client()
	a.signup("pw@example.com", "Pat", strongPassword)
	b := srv.client() // the same user on another browser
	wantStatus(t, b.login("pw@example.com", strongPassword, ""), http.StatusSeeOther)

	tok := a.csrf("/account")
	// Wrong current password and a weak new one: per-field errors.
	r := a.post("/account/password", url.Values{"csrf_token": {tok}, "current_password": {"nope"}, "new_password": {"password1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "current_password-error").Length() != 1 || r.testid(t, "new_password-error").Length() != 1 {
		t.Errorf("want errors on both fields")
	}
	r = a.post("/account/password", url.Values{"csrf_token": {tok}, "current_password": {strongPassword}, "new_password": {"copper violin meadow 77"}})
	wantStatus(t, r, http.StatusSeeOther)
	page := a.get("/account?done=password")
	if got := page.testid(t, "notice").Text(); !strings.Contains(got, "password was changed") {
		t.Errorf("notice: got %q", got)
	}
	if b.get("/account").StatusCode != http.StatusSeeOther {
		t.Errorf("the other browser is still signed in after the password change")
	}
	wantStatus(t, b.login("pw@example.com", "copper violin meadow 77", ""), http.StatusSeeOther)
	if n := countEvents(t, srv, models.EventPasswordChange); n != 1 {
		t.Errorf("password.change events: got %d, want 1", n)
	}
}

func TestSessionsListAndRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.client()
	a.signup("s1@example.com", "Sam", strongPassword)
	b := srv.client()
	wantStatus(t, b.login("s1@example.com", strongPassword, ""), http.StatusSeeOther)
	stranger := srv.client()
	stranger.signup("s2@example.com", "Stranger", "other "+strongPassword)

	page := a.get("/account")
	if got := page.testid(t, "session").Length(); got != 2 {
		t.Fatalf("sessions listed: got %d, want 2", got)
	}
	action, _ := page.testid(t, "revoke-session").Closest("form").Attr("action")

	// A stranger posting the same id changes nothing.
	wantStatus(t, stranger.post(action, url.Values{"csrf_token": {stranger.csrf("/account")}}), http.StatusSeeOther)
	if b.get("/account").StatusCode != http.StatusOK {
		t.Fatalf("a stranger signed out someone else's session")
	}
	tok := a.csrf("/account")
	rows := srv.sessionRows()
	wantStatus(t, a.post(action, url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
	if b.get("/account").StatusCode != http.StatusSeeOther {
		t.Errorf("the revoked browser is still signed in")
	}
	// The signed-out browser is a visitor again and keeps no session row.
	if got := srv.sessionRows(); got != rows-1 {
		t.Errorf("session rows after the revoked browser's next request: %d, want %d", got, rows-1)
	}
	// Sign out everywhere else.
	c := srv.client()
	wantStatus(t, c.login("s1@example.com", strongPassword, ""), http.StatusSeeOther)
	wantStatus(t, a.post("/account/sessions/revoke-others", url.Values{"csrf_token": {a.csrf("/account")}}), http.StatusSeeOther)
	if c.get("/account").StatusCode != http.StatusSeeOther || a.get("/account").StatusCode != http.StatusOK {
		t.Errorf("revoke-others: want only this browser signed in")
	}
	if got := a.get("/account").testid(t, "account-event").Length(); got == 0 {
		t.Errorf("no recent security events listed")
	}
}

func TestExportMyData(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("ex@example.com", "Ex", strongPassword)
	c.post(step3+"/complete", url.Values{"csrf_token": {c.csrf(step3)}, "done": {"true"}})
	r := c.get("/account/export")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition: %q", r.Header.Get("Content-Disposition"))
	}
	var data models.UserExport
	if err := json.Unmarshal([]byte(r.Body), &data); err != nil {
		t.Fatal(err)
	}
	if data.Profile.Email != "ex@example.com" || len(data.Progress) != 1 || data.Progress[0].Step != 3 || len(data.Sessions) != 1 || len(data.SecurityEvents) == 0 {
		t.Errorf("export: %+v", data)
	}
	for _, secret := range []string{"argon2id", "password_hash", "totp_secret"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("export contains %q", secret)
		}
	}
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("del@example.com", "Del", strongPassword)
	c.post(step3+"/complete", url.Values{"csrf_token": {c.csrf(step3)}, "done": {"true"}})
	tok := c.csrf("/account")
	r := c.post("/account/delete", url.Values{"csrf_token": {tok}, "delete_password": {"wrong"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "delete_password-error").Length() != 1 {
		t.Errorf("want a per-field error")
	}
	wantStatus(t, c.post("/account/delete", url.Values{"csrf_token": {tok}, "delete_password": {strongPassword}}), http.StatusSeeOther)
	if _, err := srv.Models.Users.ByEmail(context.Background(), "del@example.com"); err != models.ErrNotFound {
		t.Errorf("account still there: %v", err)
	}
	if n := srv.progressRows("del@example.com"); n != 0 {
		t.Errorf("progress left: %d", n)
	}
	if c.get("/account").StatusCode != http.StatusSeeOther {
		t.Errorf("still signed in after deleting the account")
	}
	if n := countEvents(t, srv, models.EventAccountDeleted); n != 1 {
		t.Errorf("account.deleted events: %d", n)
	}
}

func countEvents(t *testing.T, srv *server, event string) int {
	t.Helper()
	entries, _, err := srv.Models.Audit.List(context.Background(), models.AuditFilter{Event: event, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}
