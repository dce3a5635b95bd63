package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"stepwise/db/dbtest"
)

const firstStep = "/guides/backend-web-development/steps/1"

// longNote is a note that needs new pages of the database file, so it
// cannot be saved on a full disk.
var longNote = strings.Repeat("a long note ", 1500)

func TestStorageFullPageSaysSoAndReadsKeepWorking(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "a full database is made with PRAGMA max_page_count; PostgreSQL's disk_full is mapped in package db")
	srv := newServer(t)
	a := srv.client()
	a.signup("full@example.com", "Fay", strongPassword)
	csrf := a.csrf(firstStep)
	dbtest.Full(t, srv.DB)

	r := a.post(firstStep+"/note", url.Values{"csrf_token": {csrf}, "body": {longNote}})
	wantStatus(t, r, http.StatusServiceUnavailable)
	page := r.testid(t, "error-page")
	if got := strings.TrimSpace(page.Find("h1").Text()); got != "Storage full" {
		t.Errorf("title: got %q, want Storage full", got)
	}
	if !strings.Contains(page.Text(), "Storage is full — your change was not saved. Try again later.") {
		t.Errorf("message missing: %q", strings.Join(strings.Fields(page.Text()), " "))
	}
	if rid := r.testid(t, "request-id").Text(); rid == "" || rid != r.Header.Get("X-Request-Id") {
		t.Errorf("reference %q, want the request id %q", rid, r.Header.Get("X-Request-Id"))
	}
	if got := r.Header.Get("Retry-After"); got == "" || got == "0" {
		t.Errorf("Retry-After = %q, want a number of seconds", got)
	}

	// From an htmx form, the message goes to the flash region.
	r = a.post(firstStep+"/note", url.Values{"csrf_token": {csrf}, "body": {longNote}}, "HX-Request", "true")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if got := r.testid(t, "error-flash").Text(); !strings.Contains(got, "Storage is full — your change was not saved.") {
		t.Errorf("htmx flash: got %q", got)
	}

	// Reads still work: the signed-in user's pages, and the login form
	// for a newcomer.
	wantStatus(t, a.get(firstStep), http.StatusOK)
	login := srv.client().get("/login")
	wantStatus(t, login, http.StatusOK)
	if login.doc(t).Find(`input[name="csrf_token"]`).AttrOr("value", "") == "" {
		t.Errorf("the login form has no CSRF token")
	}
	// The API reference explains the problem type the API answers with.
	docs := srv.client().get("/api/docs")
	wantStatus(t, docs, http.StatusOK)
	if docs.doc(t).Find("#storage-full").Length() != 1 || docs.testid(t, "api-toc").Find(`a[href="#storage-full"]`).Length() != 1 {
		t.Errorf("the API reference has no #storage-full section in its contents")
	}
	var notes int
	if err := srv.DB.Get(context.Background(), &notes, `SELECT count(*) FROM notes`); err != nil || notes != 0 {
		t.Errorf("notes saved: %d, %v; want 0", notes, err)
	}
}

// However the writer fails, showing the login form writes nothing.
func TestLoginFormNeedsNoWrite(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "writes are refused with PRAGMA query_only on the single writer")
	srv := newServer(t)
	if _, err := srv.DB.W.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	c := srv.client()
	for range 2 { // a first visit and a return with its cookies
		r := c.get("/login")
		wantStatus(t, r, http.StatusOK)
		if r.doc(t).Find(`input[name="csrf_token"]`).AttrOr("value", "") == "" {
			t.Errorf("the login form has no CSRF token")
		}
	}
}

// A signed-in page view writes only the session's last-seen time, once a
// minute; when that write fails the page is still shown, and a change is
// still refused.
func TestSignedInReadsSurviveAFailedSessionTouch(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "writes are refused with PRAGMA query_only on the single writer")
	srv := newServer(t)
	a := srv.client()
	a.signup("touch@example.com", "Theo", strongPassword)
	csrf := a.csrf("/account")
	if _, err := srv.DB.Exec(context.Background(), `UPDATE user_sessions SET last_seen_at = ?`, time.Now().UTC().Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.DB.W.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}

	r := a.get("/account")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.testid(t, "account-password").Text(), "Password") {
		t.Errorf("not the signed-in account page: %.300s", r.Body)
	}
	if logs := srv.Logs.String(); !strings.Contains(logs, "serving a read although the session's last-seen time was not recorded") {
		t.Errorf("no warning in the log:\n%s", logs)
	}
	r = a.post("/account/sessions/revoke-others", url.Values{"csrf_token": {csrf}})
	if r.StatusCode < 500 {
		t.Errorf("a change went through while writes fail: %d", r.StatusCode)
	}
}
