package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stepwise/models"
)

// apiStatus calls GET /api/v1/me on srv with token and returns the status.
func apiStatus(t *testing.T, srv *server, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestBrowserAccessTokens creates a personal access token through the
// account page in Chromium, copies it from the page that shows it once,
// uses it on the API, revokes it with the button, and checks the API
// refuses it afterwards; axe checks every page on the way, light and dark.
func TestBrowserAccessTokens(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Ada", "ada@example.com", "a fine glacier orbit")

	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			t.Fatal(err)
		}
		tb.open("/account")
		tb.clickAndLoad(`a[href="/account/tokens"]`)
		checkAxe(tb, scheme+" tokens page")

		// Without a name: the form comes back with the error and the
		// choices kept.
		tb.do("tick write", chromedp.Click(chromedp.CSS("#scope-write")))
		tb.do("choose a year", chromedp.SetValue(chromedp.CSS("#expires"), "365"))
		tb.clickAndLoad(`form[data-testid="token-form"] button[type="submit"]`)
		if tb.text("#name-error") == "" {
			t.Fatalf("%s: no error for a token without a name", scheme)
		}
		if !eval[bool](tb, `document.querySelector("#scope-write").checked && document.querySelector("#expires").value === "365"`) {
			t.Errorf("%s: the scopes and expiry chosen were lost", scheme)
		}
		checkAxe(tb, scheme+" token form with an error")

		tb.fill("#name", "HR sync "+scheme)
		tb.clickAndLoad(`form[data-testid="token-form"] button[type="submit"]`)
		token := tb.value(`[data-testid="token-text"]`)
		if !strings.HasPrefix(token, models.APITokenPrefix) {
			t.Fatalf("%s: the page shows %q, not a token", scheme, token)
		}
		checkAxe(tb, scheme+" new token")
		if got := apiStatus(t, srv, token); got != http.StatusOK {
			t.Fatalf("%s: the new token gets %d from the API, want 200", scheme, got)
		}

		// Listed without its text, then revoked.
		tb.clickAndLoad(`a.button[href="/account/tokens"]`)
		if n := tb.count(`[data-testid="token-item"]`); n != 1 {
			t.Fatalf("%s: %d tokens listed, want 1", scheme, n)
		}
		if strings.Contains(eval[string](tb, `document.body.innerHTML`), token) {
			t.Fatalf("%s: the list shows the token's text", scheme)
		}
		tb.clickAndLoad(`[data-testid="revoke-token"]`)
		if tb.text(`[data-testid="notice"]`) == "" || tb.count(`[data-testid="token-item"]`) != 0 {
			t.Fatalf("%s: no notice, or the token is still listed after revoking", scheme)
		}
		if got := apiStatus(t, srv, token); got != http.StatusUnauthorized {
			t.Errorf("%s: a revoked token gets %d from the API, want 401", scheme, got)
		}
	}
}

// TestBrowserWebhooksAndAPIReference runs axe on the webhook pages (an
// author's list, a form with an error, one subscription with its
// deliveries) and on the API reference, light and dark, and checks the
// reference's table of contents leads to its operations.
func TestBrowserWebhooksAndAPIReference(t *testing.T) {
	t.Parallel()
	srv, tb := newBrowserTest(t)
	tb.signup("Ada", "ada@example.com", "a fine glacier orbit")
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, "ada@example.com").ID, models.RoleAuthor); err != nil {
		t.Fatal(err)
	}
	tb.open("/account/webhooks")
	tb.fill("#url", "https://hooks.example.com/in")
	tb.do("tick an event", chromedp.Click(chromedp.CSS(`#event-guide\.published`)))
	tb.clickAndLoad(`form[data-testid="webhook-form"] button[type="submit"]`)
	// The new webhook's page shows its secret, once, and links nowhere
	// else: its address is the list's only entry.
	if tb.text(`[data-testid="webhook-secret"]`) == "" {
		t.Fatal("no signing secret shown after adding a webhook")
	}
	tb.open("/account/webhooks")
	hook := tb.attr(`[data-testid="webhook-item"] a`, "href").Value

	for _, scheme := range []string{"light", "dark"} {
		if err := setColorScheme(tb.ctx, scheme); err != nil {
			t.Fatal(err)
		}
		tb.open("/account/webhooks")
		checkAxe(tb, scheme+" webhooks")
		tb.clickAndLoad(`form[data-testid="webhook-form"] button[type="submit"]`)
		checkAxe(tb, scheme+" webhook form with errors")
		tb.open(hook)
		checkAxe(tb, scheme+" one webhook")

		tb.open("/api/docs")
		checkAxe(tb, scheme+" API reference")
	}
	// Every entry of the contents leads to an operation on the page.
	links := eval[[]string](tb, `[...document.querySelectorAll('[data-testid="api-toc"] a')].map(a => a.getAttribute("href"))`)
	if len(links) < 10 {
		t.Fatalf("the contents have %d links", len(links))
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "#") || !eval[bool](tb, `document.getElementById(`+jsString(l[1:])+`) !== null`) {
			t.Errorf("contents link %q leads nowhere", l)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
