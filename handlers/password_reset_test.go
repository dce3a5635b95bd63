package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

// forgot asks for a reset link for email from c.
func (c *client) forgot(email string) *response {
	c.t.Helper()
	return c.post("/password/forgot", url.Values{"csrf_token": {c.csrf("/password/forgot")}, "email": {email}})
}

func TestForgotPasswordAnswersTheSame(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.client().signup("known@example.com", "Known", strongPassword)
	before := len(srv.Mailbox.Messages())

	var pages []string
	for _, email := range []string{"known@example.com", "unknown@example.com"} {
		c := srv.client()
		r := c.forgot(email)
		wantStatus(t, r, http.StatusSeeOther)
		if loc(r) != "/password/forgot?done=sent" {
			t.Errorf("%s: redirect %q", email, loc(r))
		}
		page := c.get(loc(r))
		notice := page.testid(t, "notice").Text()
		if !strings.Contains(notice, "If an account exists for that address, we sent a link") {
			t.Errorf("%s: notice %q", email, notice)
		}
		pages = append(pages, notice)
	}
	if pages[0] != pages[1] {
		t.Errorf("the answers differ: %q and %q", pages[0], pages[1])
	}
	if n := len(srv.Mailbox.Messages()) - before; n != 1 {
		t.Errorf("mails sent: got %d, want 1 (for the known address only)", n)
	}
	if n := len(srv.mailsTo("unknown@example.com")); n != 0 {
		t.Errorf("mailed an address without an account")
	}
	entries, _, err := srv.Models.Audit.List(context.Background(), models.AuditFilter{Event: models.EventPasswordResetAsked})
	if err != nil {
		t.Fatal(err)
	}
	known := mustUser(t, srv, "known@example.com")
	targets := 0
	for _, e := range entries {
		if e.TargetID != nil && *e.TargetID == known.ID {
			targets++
		}
	}
	if len(entries) != 2 || targets != 1 {
		t.Errorf("reset-requested events: got %d (%d naming the account), want 2 (1)", len(entries), targets)
	}
}

func TestForgotPasswordValidates(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	r := c.forgot("not an address")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.testid(t, "email-error").Text(); !strings.Contains(got, "like name@example.com") {
		t.Errorf("email error: got %q", got)
	}
	if got := r.doc(t).Find(`input[name="email"]`).AttrOr("value", ""); got != "not an address" {
		t.Errorf("input kept: got %q", got)
	}
}

func TestPasswordResetEndsEverySession(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.client()
	a.signup("reset@example.com", "Rhea", strongPassword)
	b := srv.client() // signed in on another browser
	wantStatus(t, b.login("reset@example.com", strongPassword, ""), http.StatusSeeOther)
	// An admin asked for a new password; the reset clears that.
	u := mustUser(t, srv, "reset@example.com")
	if _, err := srv.DB.Exec(context.Background(), `UPDATE users SET must_reset_password = TRUE WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}

	visitor := srv.client()
	wantStatus(t, visitor.forgot("reset@example.com"), http.StatusSeeOther)
	link := srv.mailLink("reset@example.com", "Reset your Stepwise password")
	if !strings.HasPrefix(link, "/password/reset?token=") {
		t.Fatalf("link: %q", link)
	}
	form := visitor.get(link)
	wantStatus(t, form, http.StatusOK)
	token := form.doc(t).Find(`input[name="token"]`).AttrOr("value", "")
	if token == "" {
		t.Fatal("the form does not carry the token")
	}
	csrf := form.doc(t).Find(`input[name="csrf_token"]`).AttrOr("value", "")

	// A weak password: a per-field error, and the form still works.
	r := visitor.post("/password/reset", url.Values{"csrf_token": {csrf}, "token": {token}, "password": {"rhea reset"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "password-error").Length() != 1 {
		t.Errorf("no password error: %.400s", r.Body)
	}
	if got := r.doc(t).Find(`input[name="token"]`).AttrOr("value", ""); got != token {
		t.Errorf("the token was lost from the form")
	}
	if _, has := r.doc(t).Find(`input[name="password"]`).Attr("value"); has {
		t.Errorf("the password was echoed back")
	}

	const newPassword = "violet harbor sketch 93"
	r = visitor.post("/password/reset", url.Values{"csrf_token": {csrf}, "token": {token}, "password": {newPassword}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc(r) != "/login?done=reset" {
		t.Errorf("redirect: got %q", loc(r))
	}
	if got := visitor.get(loc(r)).testid(t, "notice").Text(); got != "Your password was changed. Log in with the new one." {
		t.Errorf("login notice: got %q", got)
	}
	for name, c := range map[string]*client{"a": a, "b": b} {
		if c.get("/account").StatusCode != http.StatusSeeOther {
			t.Errorf("browser %s is still signed in after the reset", name)
		}
	}
	wantStatus(t, srv.client().login("reset@example.com", strongPassword, ""), http.StatusUnauthorized)
	wantStatus(t, srv.client().login("reset@example.com", newPassword, ""), http.StatusSeeOther)
	if mustUser(t, srv, "reset@example.com").MustResetPassword {
		t.Errorf("must_reset_password still set")
	}
	if n := countEvents(t, srv, models.EventPasswordReset); n != 1 {
		t.Errorf("password.reset events: got %d, want 1", n)
	}

	// The link and the form work once.
	wantLinkError(t, visitor.get(link), http.StatusConflict, "already used")
	r = visitor.post("/password/reset", url.Values{"csrf_token": {visitor.csrf("/password/forgot")}, "token": {token}, "password": {"another fine passphrase 7"}})
	wantLinkError(t, r, http.StatusConflict, "already used")
	wantStatus(t, srv.client().login("reset@example.com", newPassword, ""), http.StatusSeeOther)
}

func TestPasswordResetLinkRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.client().signup("late@example.com", "Late", strongPassword)
	c := srv.client()
	for _, bad := range []string{"/password/reset", "/password/reset?token=nope", "/password/reset?token=" + strings.Repeat("_", 43)} {
		wantLinkError(t, c.get(bad), http.StatusNotFound, "not valid")
	}
	r := c.post("/password/reset", url.Values{"csrf_token": {c.csrf("/password/forgot")}, "token": {"garbage"}, "password": {"violet harbor sketch 93"}})
	wantLinkError(t, r, http.StatusNotFound, "not valid")

	wantStatus(t, c.forgot("late@example.com"), http.StatusSeeOther)
	link := srv.mailLink("late@example.com", "Reset")
	token := strings.TrimPrefix(link, "/password/reset?token=")
	srv.expireTokens(models.PurposeResetPassword)
	wantLinkError(t, c.get(link), http.StatusConflict, "expired")
	r = c.post("/password/reset", url.Values{"csrf_token": {c.csrf("/password/forgot")}, "token": {token}, "password": {"violet harbor sketch 93"}})
	wantLinkError(t, r, http.StatusConflict, "expired")
	wantStatus(t, srv.client().login("late@example.com", strongPassword, ""), http.StatusSeeOther)
	// A verification token is no reset token.
	wantLinkError(t, c.get("/password/reset?token="+strings.TrimPrefix(srv.mailLink("late@example.com", "Confirm"), "/email/verify?token=")),
		http.StatusNotFound, "not valid")
}

func TestForgotPasswordThrottled(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.client().signup("bomb@example.com", "Bomb", strongPassword)
	c := srv.client()
	var r *response
	for range 6 {
		if r = c.forgot("bomb@example.com"); r.StatusCode == http.StatusTooManyRequests {
			break
		}
		wantStatus(t, r, http.StatusSeeOther)
	}
	wantStatus(t, r, http.StatusTooManyRequests)
	if got := r.testid(t, "form-error").Text(); !strings.Contains(got, "Too many attempts") {
		t.Errorf("throttled message: got %q", got)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After header")
	}
	sent := len(srv.mailsTo("bomb@example.com"))
	wantStatus(t, c.forgot("bomb@example.com"), http.StatusTooManyRequests)
	wantStatus(t, srv.client().forgot("BOMB@example.com "), http.StatusTooManyRequests) // the same address, another browser
	if n := len(srv.mailsTo("bomb@example.com")); n != sent {
		t.Errorf("throttled requests sent mail: %d, then %d", sent, n)
	}
}
