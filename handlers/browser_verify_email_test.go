package handlers_test

// Sign-up with email verification in the browser: sign up through the
// form, open the link the verification email carries, and see the account
// marked verified.

import "testing"

func TestBrowserSignupWithVerification(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	const email = "vera@example.com"
	tb.signup("Vera Verified", email, "a fine glacier orbit")

	tb.open("/account")
	if tb.count(`[data-testid="email-unverified"]`) != 1 {
		t.Fatalf("a new account should show its email as not verified")
	}
	link := srv.mailLink(email, "Confirm your email address")
	tb.open(link)
	tb.open("/account")
	if tb.count(`[data-testid="email-verified"]`) != 1 {
		t.Errorf("after opening the link: the email is not shown as verified")
	}
	tb.noConsoleErrors()
}
