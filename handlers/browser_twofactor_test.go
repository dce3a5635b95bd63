package handlers_test

// Two-factor authentication in the browser: set it up through the pages,
// reading the key off the page like a person typing it into their app,
// then log out and back in with the password and a code.

import (
	"strings"
	"testing"
	"time"
)

func TestBrowserTwoFactor(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	const name, email, password = "Tia Totp", "tia@example.com", "a fine glacier orbit"
	tb.signup(name, email, password)

	tb.open("/account")
	tb.clickAndLoad(`[data-testid="twofactor-setup"]`)
	if p := tb.path(); p != "/account/two-factor/setup" {
		t.Fatalf("set-up link led to %s", p)
	}
	// The QR code is a data: URL the Content-Security-Policy allows.
	tb.waitFor("the QR code to load", `document.querySelector('[data-testid="totp-qr"]').naturalWidth > 0`)
	secret := strings.ReplaceAll(tb.text(`[data-testid="totp-secret"]`), " ", "")
	if len(secret) != 32 {
		t.Fatalf("manual key %q: want 32 characters", secret)
	}
	checkAxe(tb, "two-factor set-up")

	// A wrong code: the message on the field, the same key to try again.
	tb.fill("#code", wrongCode(t, secret))
	tb.clickAndLoad(`form[action="/account/two-factor/setup"] button[type="submit"]`)
	if got := tb.text(`[data-testid="code-error"]`); !strings.HasPrefix(got, "That code does not match.") {
		t.Errorf("wrong code message: %q", got)
	}
	if got := tb.attr("#code", "aria-invalid").Value; got != "true" {
		t.Errorf("code aria-invalid=%q, want true", got)
	}
	if got := strings.ReplaceAll(tb.text(`[data-testid="totp-secret"]`), " ", ""); got != secret {
		t.Fatalf("key changed after a wrong code")
	}
	checkAxe(tb, "two-factor set-up with an error")

	tb.fill("#code", totpCode(t, secret, time.Now()))
	tb.clickAndLoad(`form[action="/account/two-factor/setup"] button[type="submit"]`)
	if n := tb.count(`[data-testid="recovery-code"]`); n != 10 {
		t.Fatalf("recovery codes shown: %d, want 10", n)
	}
	checkAxe(tb, "recovery codes")
	tb.clickAndLoad(`[data-testid="codes-saved"]`)
	if got := tb.text(`[data-testid="notice"]`); got != "Two-factor authentication is on." {
		t.Errorf("notice after set-up: %q", got)
	}
	if got := tb.attr(`[data-testid="twofactor-status"]`, "data-on").Value; got != "true" {
		t.Errorf("account page: two-factor data-on=%q", got)
	}

	// Log out, then in: the password alone does not sign in.
	tb.clickAndLoad(`form[action="/logout"] button[type="submit"]`)
	tb.clickAndLoad(`.account-nav a[href="/login"]`)
	tb.login(email, password)
	if p := tb.path(); p != "/login/two-factor" {
		t.Fatalf("after the password: at %s, want /login/two-factor", p)
	}
	if n := tb.count(currentUser); n != 0 {
		t.Fatalf("signed in before the code")
	}
	if got := tb.attr("#code", "autocomplete").Value; got != "one-time-code" {
		t.Errorf("code field autocomplete=%q, want one-time-code", got)
	}
	checkAxe(tb, "two-factor login")

	// The code that confirmed the set-up was used; the app's next one works.
	tb.fill("#code", totpCode(t, secret, time.Now().Add(30*time.Second)))
	tb.clickAndLoad(`form[action="/login/two-factor"] button[type="submit"]`)
	if p := tb.path(); p != "/" {
		t.Errorf("after the code: at %s, want /", p)
	}
	if got := tb.text(currentUser); got != name {
		t.Fatalf("after the code: signed-in name %q, want %q", got, name)
	}
	if n := srv.userSessionCount(email); n != 1 {
		t.Errorf("sessions after signing in: %d, want 1", n)
	}
	// The only console error is the browser reporting the 422 of the
	// wrong code; anything else (a CSP violation, a script error) fails.
	for _, e := range tb.consoleErrors() {
		if !strings.Contains(e, "status of 422") {
			t.Errorf("console: %s", e)
		}
	}
}
