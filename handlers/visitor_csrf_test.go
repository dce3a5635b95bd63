package handlers_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"stepwise/handlers"
	"stepwise/handlers/root"
)

// visitorCookieName is the visitor's CSRF cookie over plain HTTP; over
// HTTPS it has the __Host- prefix.
const visitorCookieName = "stepwise_csrf"

// sessionRows counts the rows of the sessions table.
func (s *server) sessionRows() int {
	s.t.Helper()
	var n int
	if err := s.DB.Get(context.Background(), &n, `SELECT count(*) FROM sessions`); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// plantSession stores a session holding only a CSRF token, as an earlier
// release did for every visitor, and puts its cookie in c's jar: a
// session that exists before login, as one planted by an attacker would.
// It returns the session's token.
func (s *server) plantSession(c *client) string {
	s.t.Helper()
	store := s.DB.SessionStore()
	defer store.Close()
	sm := handlers.NewSessions(store, false)
	ctx, err := sm.Load(context.Background(), "")
	if err != nil {
		s.t.Fatal(err)
	}
	sm.Put(ctx, "csrf", "a token from before")
	token, _, err := sm.Commit(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	u, _ := url.Parse(s.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "stepwise_session", Value: token}})
	return token
}

// visitorCookie is r's Set-Cookie for the visitor's CSRF cookie, or nil.
func visitorCookie(r *response) *http.Cookie {
	for _, ck := range r.Cookies() {
		if strings.HasSuffix(ck.Name, visitorCookieName) {
			return ck
		}
	}
	return nil
}

// wantVisitorCookie checks the visitor cookie r sets: HttpOnly, Lax, for
// the whole site, expiring, and Secure with the __Host- prefix exactly
// when secure.
func wantVisitorCookie(t *testing.T, r *response, secure bool) {
	t.Helper()
	ck := visitorCookie(r)
	if ck == nil {
		t.Fatalf("%s: no visitor CSRF cookie in %q", r.Request.URL.Path, r.Header.Values("Set-Cookie"))
	}
	name := visitorCookieName
	if secure {
		name = "__Host-" + visitorCookieName
	}
	if ck.Name != name || ck.Secure != secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
		ck.Path != "/" || ck.Domain != "" || ck.MaxAge <= 0 || ck.Value == "" {
		t.Errorf("visitor cookie %q: got Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q MaxAge=%d; "+
			"want %s, Secure=%v, HttpOnly, SameSite=Lax, Path=/, no Domain, a Max-Age",
			ck.Name, ck.Secure, ck.HttpOnly, ck.SameSite, ck.Path, ck.Domain, ck.MaxAge, name, secure)
	}
}

// signupForm posts the sign-up form with the page's token and returns the
// response, which must be the redirect of a new account.
func (c *client) signupForm(email, name, password string) *response {
	c.t.Helper()
	tok := c.csrf("/signup")
	r := c.post("/signup", url.Values{"csrf_token": {tok}, "email": {email}, "display_name": {name}, "password": {password}})
	wantStatus(c.t, r, http.StatusSeeOther)
	return r
}

// postMultipart sends fields as multipart/form-data to path.
func (c *client) postMultipart(path string, fields url.Values) *response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// Visitors' pages store nothing: neither a browser that keeps its cookies
// nor a crawler that sends none adds a session row, however many pages it
// views, and no session cookie is set. Forms still get a token.
func TestVisitorPagesStoreNoSession(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	before := srv.sessionRows()
	browser := srv.client()
	crawler := srv.client()
	crawler.http.Jar = nil // it never sends a cookie back
	for _, path := range []string{"/login", "/signup", "/password/forgot", "/", guidePath, step3} {
		for i := 0; i < 100; i++ {
			for who, c := range map[string]*client{"browser": browser, "crawler": crawler} {
				r := c.get(path)
				wantStatus(t, r, http.StatusOK)
				if ck := sessionCookie(r); ck != nil {
					t.Fatalf("%s GET %s: set the session cookie %q", who, path, ck.Value)
				}
			}
		}
	}
	if got := srv.sessionRows(); got != before {
		t.Errorf("session rows after 1,200 visitor page views: got %d, want %d", got, before)
	}
	for _, path := range []string{"/login", "/signup", "/password/forgot"} {
		if browser.csrf(path) == "" {
			t.Errorf("%s: the form has no token", path)
		}
	}
	if got := srv.sessionRows(); got != before {
		t.Errorf("session rows after reading the forms' tokens: got %d, want %d", got, before)
	}
}

// A visitor signs up and logs in with plain forms (no script): the token
// in the form matches the visitor's cookie. A missing or wrong token, a
// token without its cookie, another visitor's token, or one signed with
// another installation's key is refused, and nothing happens.
func TestVisitorFormsNeedTheSignedToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	v := srv.client()
	r := v.get("/signup")
	wantVisitorCookie(t, r, false)
	tok := v.csrf("/signup")
	if again := v.csrf("/login"); again != tok {
		t.Errorf("the visitor's token changed between pages: %q, then %q", tok, again)
	}

	other := srv.client()
	otherTok := other.csrf("/login")
	if otherTok == tok {
		t.Fatal("two visitors got the same token")
	}
	cookieless := srv.client()

	// The same installation's key on another instance (another server
	// over its own database): its pages' tokens are accepted here.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	withKey := func(k []byte) func(*root.Config) { return func(d *root.Config) { d.CSRFKey = k } }
	clusterA, clusterB := newServer(t, withKey(key)), newServer(t, withKey(key))
	foreignKey := make([]byte, 32)
	_, _ = rand.Read(foreignKey)
	foreign := newServer(t, withKey(foreignKey))

	// pairFrom is a visitor's cookie and token from one server, held by
	// a client of another.
	pairFrom := func(from, onto *server) (*client, string) {
		page := from.client().get("/login")
		ck := visitorCookie(page)
		tok, _ := page.doc(t).Find(`input[name="csrf_token"]`).Attr("value")
		if ck == nil || tok == "" {
			t.Fatalf("%s/login: no visitor cookie or token", from.URL)
		}
		c := onto.client()
		u, _ := url.Parse(onto.URL)
		c.http.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value}})
		return c, tok
	}
	fromForeign, foreignTok := pairFrom(foreign, srv)

	signup := func(email string) url.Values {
		return url.Values{"email": {email}, "display_name": {"V"}, "password": {"v1 glacier orbit tandem"}}
	}
	with := func(form url.Values, tok string) url.Values {
		form.Set("csrf_token", tok)
		return form
	}
	refused := map[string]struct {
		c    *client
		form url.Values
	}{
		"missing":                 {v, signup("missing@example.com")},
		"wrong":                   {v, with(signup("wrong@example.com"), "not-the-token")},
		"another visitor's":       {v, with(signup("other@example.com"), otherTok)},
		"without its cookie":      {cookieless, with(signup("cookieless@example.com"), tok)},
		"signed with another key": {fromForeign, with(signup("foreign@example.com"), foreignTok)},
	}
	for name, tc := range refused {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, tc.c.post("/signup", tc.form), http.StatusForbidden)
			wantStatus(t, tc.c.post("/login", with(url.Values{"email": {"v@example.com"}, "password": {"v1 glacier orbit tandem"}}, tc.form.Get("csrf_token"))), http.StatusForbidden)
		})
	}
	if n := countUsers(t, srv); n != 0 {
		t.Errorf("users after refused sign-ups: got %d, want 0", n)
	}

	// The right token signs up, logs out and logs in again.
	wantStatus(t, v.post("/signup", with(signup("v@example.com"), tok)), http.StatusSeeOther)
	if !v.isSignedIn() {
		t.Fatal("not signed in after sign-up")
	}
	v.logOut()
	r = v.login("v@example.com", "v1 glacier orbit tandem", "")
	wantStatus(t, r, http.StatusSeeOther)
	if !v.isSignedIn() {
		t.Error("not signed in after logging in")
	}

	// Another instance with the same key accepts this instance's pair.
	fromA, tokA := pairFrom(clusterA, clusterB)
	wantStatus(t, fromA.post("/signup", with(signup("cluster@example.com"), tokA)), http.StatusSeeOther)
}

// The token counts only in the body (URL-encoded or multipart) or the
// X-CSRF-Token header: in the query string it is refused, for visitors
// and signed-in users alike.
func TestCSRFTokenNotFromQueryString(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const password = "q1 glacier orbit tandem"
	setup := srv.client()
	setup.signup("q@example.com", "Q", password)
	setup.logOut()

	visitor := srv.client()
	tok := visitor.csrf("/login")
	creds := func() url.Values { return url.Values{"email": {"q@example.com"}, "password": {password}} }
	inQuery := "?" + url.Values{"csrf_token": {tok}}.Encode()
	wantStatus(t, visitor.post("/login"+inQuery, creds()), http.StatusForbidden)
	wantStatus(t, visitor.postMultipart("/login"+inQuery, creds()), http.StatusForbidden)
	if visitor.isSignedIn() {
		t.Fatal("signed in with a token in the query string")
	}
	mp := creds()
	mp.Set("csrf_token", tok)
	wantStatus(t, visitor.postMultipart("/login", mp), http.StatusSeeOther)
	if !visitor.isSignedIn() {
		t.Fatal("a multipart login with the token in its body failed")
	}

	// Signed in: the session's token in the query string does nothing.
	tok = visitor.csrf(step3)
	done := url.Values{"done": {"true"}}
	wantStatus(t, visitor.post(step3+"/complete?"+url.Values{"csrf_token": {tok}}.Encode(), done), http.StatusForbidden)
	wantStatus(t, visitor.postMultipart(step3+"/complete?"+url.Values{"csrf_token": {tok}}.Encode(), done), http.StatusForbidden)
	if n := srv.progressRows("q@example.com"); n != 0 {
		t.Fatalf("progress rows after refused posts: got %d, want 0", n)
	}
	done.Set("csrf_token", tok)
	wantStatus(t, visitor.post(step3+"/complete", done), http.StatusSeeOther)
	if n := srv.progressRows("q@example.com"); n != 1 {
		t.Errorf("progress rows: got %d, want 1", n)
	}
}

// Signing in swaps the visitor's token for the session's: the session's
// works in a form and in htmx's header, the visitor's no longer does;
// logging out deletes the session row and the visitor's token works again.
func TestSignedInTokenReplacesVisitorToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	visitorTok := c.csrf("/signup")
	r := c.signupForm("s@example.com", "S", "s1 glacier orbit tandem")
	if sessionCookie(r) == nil {
		t.Fatal("sign-up set no session cookie")
	}
	if n := srv.sessionRows(); n != 1 {
		t.Errorf("session rows when signed in: got %d, want 1", n)
	}
	sessionTok := c.csrf(step3)
	if sessionTok == visitorTok {
		t.Fatal("the signed-in page carries the visitor's token")
	}
	if c.csrf("/account") != sessionTok {
		t.Error("the session's token differs between pages")
	}

	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {visitorTok}, "done": {"true"}}), http.StatusForbidden)
	wantStatus(t, c.post(step3+"/complete", url.Values{"done": {"true"}}, "HX-Request", "true", "X-CSRF-Token", visitorTok), http.StatusForbidden)
	if n := srv.progressRows("s@example.com"); n != 0 {
		t.Fatalf("progress rows after the visitor's token: got %d, want 0", n)
	}
	wantStatus(t, c.post(step3+"/complete", url.Values{"csrf_token": {sessionTok}, "done": {"true"}}), http.StatusSeeOther)
	wantStatus(t, c.post(step3+"/complete", url.Values{"done": {"false"}}, "HX-Request", "true", "X-CSRF-Token", sessionTok), http.StatusOK)
	if n := srv.progressRows("s@example.com"); n != 0 {
		t.Errorf("progress rows after done, then undone: got %d, want 0", n)
	}
	wantStatus(t, c.post("/account/password", url.Values{"current_password": {"s1 glacier orbit tandem"}, "new_password": {"s2 glacier orbit tandem"}},
		"X-CSRF-Token", sessionTok), http.StatusSeeOther)

	r = c.post("/logout", url.Values{"csrf_token": {sessionTok}})
	wantStatus(t, r, http.StatusSeeOther)
	if ck := sessionCookie(r); ck == nil || ck.Value != "" || (ck.MaxAge >= 0 && !ck.Expires.Before(time.Now())) {
		t.Errorf("logout: want the session cookie expired, got %v", ck)
	}
	if n := srv.sessionRows(); n != 0 {
		t.Errorf("session rows after logout: got %d, want 0", n)
	}
	// The signed-out browser is a visitor again: its old session token is
	// refused, its visitor token (the cookie outlived the session) works.
	wantStatus(t, c.post("/login", url.Values{"csrf_token": {sessionTok}, "email": {"s@example.com"}, "password": {"s2 glacier orbit tandem"}}), http.StatusForbidden)
	wantStatus(t, c.post("/login", url.Values{"csrf_token": {visitorTok}, "email": {"s@example.com"}, "password": {"s2 glacier orbit tandem"}}), http.StatusSeeOther)
	if !c.isSignedIn() {
		t.Error("not signed in again with the visitor's token")
	}
}
