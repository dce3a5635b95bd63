package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"stepwise/handlers/mail"
	"stepwise/models"
)

// testBaseURL is the site address the test app writes into its emails.
const testBaseURL = "http://stepwise.test"

var mailLinkPattern = regexp.MustCompile(`https?://\S+`)

// mailsTo returns the dev mailbox's messages to addr, newest first.
func (s *server) mailsTo(addr string) []mail.Sent {
	s.t.Helper()
	if s.Mailbox == nil {
		s.t.Fatal("this server has no dev mailbox")
	}
	var out []mail.Sent
	for _, m := range s.Mailbox.Messages() {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// mailLink returns the local path (with its query) of the link in the
// newest email to addr whose subject contains subject.
func (s *server) mailLink(addr, subject string) string {
	s.t.Helper()
	for _, m := range s.mailsTo(addr) {
		if strings.Contains(m.Subject, subject) {
			return localLink(s.t, m.Text)
		}
	}
	s.t.Fatalf("no email to %s about %q", addr, subject)
	return ""
}

// localLink finds the one link in an email's text, checks that it points
// at the configured site, and returns its path and query.
func localLink(t *testing.T, text string) string {
	t.Helper()
	links := mailLinkPattern.FindAllString(text, -1)
	if len(links) != 1 {
		t.Fatalf("got %d links in the email, want 1:\n%s", len(links), text)
	}
	if !strings.HasPrefix(links[0], testBaseURL+"/") {
		t.Fatalf("link %q is not under the base URL %s", links[0], testBaseURL)
	}
	return strings.TrimPrefix(links[0], testBaseURL)
}

// expireTokens moves every token of purpose into the past.
func (s *server) expireTokens(purpose string) {
	s.t.Helper()
	_, err := s.DB.Exec(context.Background(), `UPDATE account_tokens SET expires_at = ? WHERE purpose = ?`,
		time.Now().UTC().Add(-time.Minute), purpose)
	if err != nil {
		s.t.Fatal(err)
	}
}

func wantLinkError(t *testing.T, r *response, status int, msg string) {
	t.Helper()
	wantStatus(t, r, status)
	if r.testid(t, "link-error").Length() != 1 {
		t.Errorf("no link-error page: %.300s", r.Body)
	}
	if got := r.testid(t, "link-message").Text(); !strings.Contains(got, msg) {
		t.Errorf("message: got %q, want it to mention %q", got, msg)
	}
}

func TestSignupSendsVerificationLink(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("ver@example.com", "Vera", strongPassword)

	page := c.get("/account")
	if page.testid(t, "email-unverified").Length() != 1 || page.testid(t, "resend-verification").Length() != 1 {
		t.Fatalf("a new account should show not verified and a resend button")
	}
	if got := page.testid(t, "resend-verification").Find("button").Text(); got != "Resend verification email" {
		t.Errorf("resend button: got %q", got)
	}
	link := srv.mailLink("ver@example.com", "Confirm your email address")
	if !strings.HasPrefix(link, "/email/verify?token=") {
		t.Fatalf("link: got %q", link)
	}

	r := c.get(link)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account?done=email-verified" {
		t.Errorf("redirect: got %q", loc)
	}
	page = c.get("/account?done=email-verified")
	if page.testid(t, "email-verified").Length() != 1 || page.testid(t, "resend-verification").Length() != 0 {
		t.Errorf("after verifying: want verified and no resend button")
	}
	if got := page.testid(t, "notice").Text(); !strings.Contains(got, "verified") {
		t.Errorf("notice: got %q", got)
	}
	if n := countEvents(t, srv, models.EventEmailVerified); n != 1 {
		t.Errorf("email.verified events: got %d, want 1", n)
	}

	// The link works once.
	wantLinkError(t, c.get(link), http.StatusConflict, "already used")
	if n := countEvents(t, srv, models.EventEmailVerified); n != 1 {
		t.Errorf("email.verified events after reuse: got %d, want 1", n)
	}
}

func TestVerificationLinkRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("refuse@example.com", "Ref", strongPassword)
	link := srv.mailLink("refuse@example.com", "Confirm")

	for _, bad := range []string{"/email/verify", "/email/verify?token=garbage", "/email/verify?token=" + strings.Repeat("A", 43), "/email/verify?token=%01%ff"} {
		wantLinkError(t, c.get(bad), http.StatusNotFound, "not valid")
	}
	wantStatus(t, c.get("/email/verify?token=%00%ff"), http.StatusBadRequest) // refused before the handler (nul_text.go)
	srv.expireTokens(models.PurposeVerifyEmail)
	wantLinkError(t, c.get(link), http.StatusConflict, "expired")
	if got := c.get("/account").testid(t, "email-unverified").Length(); got != 1 {
		t.Errorf("an expired link verified the address")
	}
}

func TestVerificationLinkInAnotherBrowser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.client().signup("phone@example.com", "Phone", strongPassword)
	phone := srv.client() // not signed in
	r := phone.get(srv.mailLink("phone@example.com", "Confirm"))
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "link-done").Length() != 1 {
		t.Errorf("want a confirmation page: %.300s", r.Body)
	}
	u := mustUser(t, srv, "phone@example.com")
	if u.EmailVerifiedAt == nil {
		t.Errorf("not verified")
	}
}

func TestResendVerification(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("again@example.com", "Again", strongPassword)
	first := srv.mailLink("again@example.com", "Confirm")

	r := c.post("/account/email/verify", url.Values{"csrf_token": {c.csrf("/account")}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/account?done=verify-sent" {
		t.Errorf("redirect: got %q", loc)
	}
	if got := c.get(loc(r)).testid(t, "notice").Text(); !strings.Contains(got, "new verification link") {
		t.Errorf("notice: got %q", got)
	}
	if n := len(srv.mailsTo("again@example.com")); n != 2 {
		t.Fatalf("mails: got %d, want 2", n)
	}
	second := srv.mailLink("again@example.com", "Confirm")
	if second == first {
		t.Fatal("the resent link is the same as the first")
	}
	// Only the newest link works.
	wantLinkError(t, c.get(first), http.StatusNotFound, "newer email")
	wantStatus(t, c.get(second), http.StatusSeeOther)

	// Verified: resending does nothing.
	r = c.post("/account/email/verify", url.Values{"csrf_token": {c.csrf("/account")}})
	wantStatus(t, r, http.StatusSeeOther)
	if n := len(srv.mailsTo("again@example.com")); n != 2 {
		t.Errorf("mails after verifying: got %d, want 2", n)
	}
}

func TestResendVerificationThrottled(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("flood@example.com", "Flood", strongPassword)
	tok := c.csrf("/account")
	var r *response
	for range 6 {
		if r = c.post("/account/email/verify", url.Values{"csrf_token": {tok}}); r.StatusCode == http.StatusTooManyRequests {
			break
		}
		wantStatus(t, r, http.StatusSeeOther)
	}
	wantStatus(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After header")
	}
	sent := len(srv.mailsTo("flood@example.com"))
	wantStatus(t, c.post("/account/email/verify", url.Values{"csrf_token": {tok}}), http.StatusTooManyRequests)
	if n := len(srv.mailsTo("flood@example.com")); n != sent {
		t.Errorf("a throttled request sent mail: %d, then %d", sent, n)
	}
}

func TestDevMailboxPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("box@example.com", "Box", strongPassword)
	r := c.get("/dev/mailbox")
	wantStatus(t, r, http.StatusOK)
	if got := r.testid(t, "mail").Length(); got != 1 {
		t.Fatalf("mails listed: got %d, want 1", got)
	}
	if got := r.testid(t, "mail-to").Text(); got != "box@example.com" {
		t.Errorf("to: got %q", got)
	}
	if got := r.testid(t, "mail-subject").Text(); !strings.Contains(got, "Confirm your email") {
		t.Errorf("subject: got %q", got)
	}
	href, _ := r.testid(t, "mail-text").Find("a").Attr("href")
	if href != testBaseURL+srv.mailLink("box@example.com", "Confirm") {
		t.Errorf("clickable link: got %q", href)
	}
	// The dev mailbox logs each mail, link included: that is how
	// someone running it locally follows links.
	if !strings.Contains(srv.Logs.String(), "dev mailbox") {
		t.Errorf("the dev mailbox did not log the mail")
	}

	// Through a proxy on this machine: not found.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/dev/mailbox", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	wantStatus(t, c.do(req), http.StatusNotFound)

	// From another address (app.Test's connection is not loopback).
	resp, err := srv.App.Test(httptest.NewRequest(http.MethodGet, "/dev/mailbox", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("non-loopback request: got %d, want 404", resp.StatusCode)
	}
}

func TestLoginOffersPasswordReset(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.client().get("/login")
	if href, _ := r.testid(t, "forgot-password").Attr("href"); href != "/password/forgot" {
		t.Errorf("forgot link: got %q", href)
	}
	if r.testid(t, "notice").Length() != 0 {
		t.Errorf("a notice without ?done=")
	}
	r = srv.client().get("/login?done=" + url.QueryEscape("<b>anything</b>"))
	if r.testid(t, "notice").Length() != 0 {
		t.Errorf("an unknown ?done= showed a notice")
	}
}

// loc is the redirect's target.
func loc(r *response) string { return r.Header.Get("Location") }
