package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignupValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	taken := srv.client()
	taken.signup("taken@example.com", "Taken", "t1 glacier orbit tandem")

	cases := []struct {
		name      string
		form      url.Values
		wantField string
		wantMsg   string
	}{
		{"taken email", url.Values{"email": {"Taken@Example.com"}, "display_name": {"Tee"}, "password": {"long enough glacier orbit"}}, "email", "already exists"},
		{"short password", url.Values{"email": {"new@example.com"}, "display_name": {"Tee"}, "password": {"short"}}, "password", "at least 8"},
		{"invalid email", url.Values{"email": {"not-an-email"}, "display_name": {"Tee"}, "password": {"long enough glacier orbit"}}, "email", "like name@example.com"},
		{"blank name", url.Values{"email": {"new@example.com"}, "display_name": {"   "}, "password": {"long enough glacier orbit"}}, "display_name", "Enter the name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := srv.client()
			tc.form.Set("csrf_token", c.csrf("/signup"))
			r := c.post("/signup", tc.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			msg := r.testid(t, tc.wantField+"-error").Text()
			if !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("%s error: got %q, want it to mention %q", tc.wantField, msg, tc.wantMsg)
			}
			doc := r.doc(t)
			// Input kept (but never the password).
			if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != strings.ToLower(strings.TrimSpace(tc.form.Get("email"))) {
				t.Errorf("email kept: got %q", got)
			}
			if got := doc.Find(`input[name="display_name"]`).AttrOr("value", ""); got != tc.form.Get("display_name") {
				t.Errorf("display name kept: got %q, want %q", got, tc.form.Get("display_name"))
			}
			if _, has := doc.Find(`input[name="password"]`).Attr("value"); has {
				t.Errorf("password echoed back into the form")
			}
			if got := doc.Find(`#`+tc.wantField).AttrOr("aria-invalid", ""); got != "true" {
				t.Errorf("aria-invalid on %s: got %q", tc.wantField, got)
			}
		})
	}
}

func TestLoginWrongPasswordKeepsEmail(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("who@example.com", "Who", "right glacier orbit tandem")
	c.post("/logout", url.Values{"csrf_token": {c.csrf("/")}})

	for _, email := range []string{"who@example.com", "nobody@example.com"} {
		r := c.login(email, "wrong password", "")
		wantStatus(t, r, http.StatusUnauthorized)
		if got := r.testid(t, "form-error").Text(); got != "That email and password do not match an account." {
			t.Errorf("%s: generic error: got %q", email, got)
		}
		if got := r.doc(t).Find(`input[name="email"]`).AttrOr("value", ""); got != email {
			t.Errorf("%s: email kept: got %q", email, got)
		}
	}
	r := c.login("", "", "")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "email-error").Length() != 1 || r.testid(t, "password-error").Length() != 1 {
		t.Errorf("empty login: want per-field errors")
	}
	if strings.Contains(srv.Logs.String(), "wrong password") {
		t.Errorf("a password reached the log")
	}
}

func TestLoginIgnoresExternalReturnAddress(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.client()
	owner.signup("nx@example.com", "Nx", "nx glacier orbit tandem")
	for _, next := range []string{
		"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
		"http:/evil.example", "/\r\nSet-Cookie:x", "\\\\evil.example", " /ok",
	} {
		c := srv.client()
		r := c.login("nx@example.com", "nx glacier orbit tandem", next)
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q: redirected to %q, want /", next, loc)
		}
	}
	// A login page asked to return somewhere external drops it from the form.
	c := srv.client()
	if got := c.get("/login?next=//evil.example").doc(t).Find(`input[name="next"]`).AttrOr("value", "x"); got != "" {
		t.Errorf("login form next: got %q, want empty", got)
	}
}

func TestSessionCookieAndRenewal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	r := c.get("/login")
	// A visitor has no session (visitor_csrf_test.go): the form's token
	// goes with a cookie of its own.
	if ck := sessionCookie(r); ck != nil {
		t.Fatalf("login page set a session cookie %q", ck.Value)
	}
	wantVisitorCookie(t, r, false)
	// A session the browser held before signing up is not kept.
	before := srv.plantSession(c)
	tok, _ := r.doc(t).Find(`input[name="csrf_token"]`).Attr("value")
	r = c.post("/signup", url.Values{"csrf_token": {tok}, "email": {"s@example.com"}, "display_name": {"S"}, "password": {"s1 glacier orbit tandem"}})
	wantStatus(t, r, http.StatusSeeOther)
	after := sessionCookie(r)
	if after == nil {
		t.Fatal("sign-up set no session cookie")
	}
	if !after.HttpOnly || after.SameSite != http.SameSiteLaxMode || after.Secure {
		t.Errorf("cookie flags: HttpOnly=%v SameSite=%v Secure=%v; want HttpOnly, Lax, not Secure over plain HTTP", after.HttpOnly, after.SameSite, after.Secure)
	}
	if after.Value == before {
		t.Errorf("session token not renewed on sign-up")
	}
	var kept int
	if err := srv.DB.Get(context.Background(), &kept, `SELECT count(*) FROM sessions WHERE token = ?`, before); err != nil || kept != 0 {
		t.Errorf("the session from before sign-up: %d rows (err %v), want 0", kept, err)
	}
	r = c.post("/logout", url.Values{"csrf_token": {c.csrf("/")}})
	wantStatus(t, r, http.StatusSeeOther)
	out := sessionCookie(r)
	if out == nil || out.Value == after.Value {
		t.Errorf("session token not renewed on logout")
	}
	if c.get(step3).testid(t, "current-user").Length() != 0 {
		t.Errorf("still signed in after logout")
	}
	// The old token no longer signs anyone in.
	old := srv.client()
	u, _ := url.Parse(srv.URL)
	old.http.Jar.SetCookies(u, []*http.Cookie{{Name: "stepwise_session", Value: after.Value}})
	if old.get(step3).testid(t, "current-user").Length() != 0 {
		t.Errorf("the pre-logout token still works")
	}
}

func sessionCookie(r *response) *http.Cookie {
	for _, ck := range r.Cookies() {
		if ck.Name == "stepwise_session" {
			return ck
		}
	}
	return nil
}
