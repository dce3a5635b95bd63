package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

// changeEmail posts the account page's change-email form.
func (c *client) changeEmail(newEmail, password string) *response {
	c.t.Helper()
	return c.post("/account/email", url.Values{"csrf_token": {c.csrf("/account")}, "new_email": {newEmail}, "email_password": {password}})
}

func TestEmailChangeValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.client().signup("taken@example.com", "Taken", "taken "+strongPassword)
	c := srv.client()
	c.signup("me@example.com", "Me", strongPassword)

	cases := []struct {
		name, email, password, field, msg string
	}{
		{"wrong password", "fresh@example.com", "not my password", "email_password", "not your current password"},
		{"taken address", "Taken@Example.com", strongPassword, "new_email", "Another account already uses"},
		{"invalid address", "fresh@", strongPassword, "new_email", "like name@example.com"},
		{"same address", "me@example.com", strongPassword, "new_email", "already your email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.changeEmail(tc.email, tc.password)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.testid(t, tc.field+"-error").Text(); !strings.Contains(got, tc.msg) {
				t.Errorf("%s error: got %q, want it to mention %q", tc.field, got, tc.msg)
			}
			doc := r.doc(t)
			if got := doc.Find(`input[name="new_email"]`).AttrOr("value", ""); got != strings.ToLower(tc.email) {
				t.Errorf("new email kept: got %q", got)
			}
			if _, has := doc.Find(`input[name="email_password"]`).Attr("value"); has {
				t.Errorf("password echoed back")
			}
		})
	}
	if n := len(srv.Mailbox.Messages()); n != 2 {
		t.Errorf("mails: got %d, want only the 2 sign-up verifications", n)
	}
	if mustUser(t, srv, "me@example.com").Email != "me@example.com" {
		t.Errorf("the email changed")
	}
}

func TestEmailChangeByLink(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("old@example.com", "Olive", strongPassword)
	// A reset link mailed to the old address must stop working.
	wantStatus(t, srv.client().forgot("old@example.com"), http.StatusSeeOther)
	resetLink := srv.mailLink("old@example.com", "Reset")

	r := c.changeEmail("new@example.com", strongPassword)
	wantStatus(t, r, http.StatusSeeOther)
	if loc(r) != "/account?done=email-sent" {
		t.Errorf("redirect: got %q", loc(r))
	}
	if got := c.get(loc(r)).testid(t, "notice").Text(); !strings.Contains(got, "We sent a link to your new address") {
		t.Errorf("notice: got %q", got)
	}
	mustUser(t, srv, "old@example.com") // unchanged until the link is opened
	link := srv.mailLink("new@example.com", "Confirm your new email address")

	r = c.get(link)
	wantStatus(t, r, http.StatusSeeOther)
	if loc(r) != "/account?done=email-verified" {
		t.Errorf("redirect: got %q", loc(r))
	}
	u := mustUser(t, srv, "new@example.com")
	if u.EmailVerifiedAt == nil {
		t.Errorf("the new address is not marked verified")
	}
	page := c.get("/account")
	if got := page.testid(t, "account-profile").Text(); !strings.Contains(got, "new@example.com") {
		t.Errorf("account page does not show the new address")
	}
	notices := srv.mailsTo("old@example.com")
	if len(notices) == 0 || !strings.Contains(notices[0].Subject, "was changed") || !strings.Contains(notices[0].Text, "new@example.com") {
		t.Errorf("the old address was not told about the change")
	}
	if n := countEvents(t, srv, models.EventEmailChangeAsked); n != 1 {
		t.Errorf("email.change_requested events: got %d, want 1", n)
	}
	if n := countEvents(t, srv, models.EventEmailChange); n != 1 {
		t.Errorf("email.change events: got %d, want 1", n)
	}

	wantLinkError(t, c.get(link), http.StatusConflict, "already used")
	wantLinkError(t, srv.client().get(resetLink), http.StatusNotFound, "not valid")
	wantStatus(t, srv.client().login("new@example.com", strongPassword, ""), http.StatusSeeOther)
	wantStatus(t, srv.client().login("old@example.com", strongPassword, ""), http.StatusUnauthorized)
}

func TestEmailChangeAddressTakenMeanwhile(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("first@example.com", "First", strongPassword)
	wantStatus(t, c.changeEmail("wanted@example.com", strongPassword), http.StatusSeeOther)
	link := srv.mailLink("wanted@example.com", "Confirm your new")
	srv.client().signup("wanted@example.com", "Quick", "quick "+strongPassword)

	r := c.get(link)
	wantStatus(t, r, http.StatusConflict)
	if got := r.testid(t, "link-message").Text(); !strings.Contains(got, "Another account") {
		t.Errorf("message: got %q", got)
	}
	if mustUser(t, srv, "first@example.com").Email != "first@example.com" {
		t.Errorf("the email changed")
	}
}

func TestEmailChangeLinkRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("exp@example.com", "Exp", strongPassword)
	wantLinkError(t, c.get("/account/email/confirm?token=xyz"), http.StatusNotFound, "not valid")
	wantStatus(t, c.changeEmail("later@example.com", strongPassword), http.StatusSeeOther)
	link := srv.mailLink("later@example.com", "Confirm your new")
	srv.expireTokens(models.PurposeChangeEmail)
	wantLinkError(t, c.get(link), http.StatusConflict, "expired")
	if mustUser(t, srv, "exp@example.com").Email != "exp@example.com" {
		t.Errorf("an expired link changed the email")
	}
}
