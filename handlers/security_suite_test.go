package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"stepwise/models"
)

// hostile inputs every form field and parameter is tried with.
var hostile = map[string]string{
	"sql quote":      "' OR '1'='1",
	"sql drop":       "'; DROP TABLE users; --",
	"sql union":      "x\" UNION SELECT password_hash FROM users --",
	"script":         "<script>alert(1)</script>",
	"attribute":      "\"><img src=x onerror=alert(1)>",
	"invalid utf-8":  "\xff\xfe\xfd",
	"nul":            "a\x00b",
	"very long":      strings.Repeat("A", 100_000),
	"path traversal": "../../../../etc/passwd",
	"template":       "{{.}}${7*7}<%= 7*7 %>",
	"crlf":           "a\r\nSet-Cookie: evil=1",
}

// formCase is one form: where it posts and the fields it reads.
type formCase struct {
	path   string
	fields []string
	// as is who submits it: "anonymous", "user" or "admin".
	as string
}

// hostileForms lists every form; a new form belongs here.
var hostileForms = []formCase{
	// The editor (authoring*.go): admins may edit the built-in guide.
	{"/author/guides/new", []string{"title", "slug", "summary", "difficulty", "minutes", "tags"}, "admin"},
	{"/author/guides/new", []string{"title", "slug"}, "user"},
	{"/author" + guidePath, []string{"title", "slug", "summary", "difficulty", "minutes", "tags", "intro", "version"}, "admin"},
	{"/author" + guidePath + "/steps", []string{"step_title"}, "admin"},
	{"/author" + guidePath + "/steps/1", []string{"title", "body", "version"}, "admin"},
	{"/author" + guidePath + "/steps/1/autosave", []string{"title", "body", "version"}, "admin"},
	{"/author" + guidePath + "/steps/1", []string{"title", "body", "version"}, "user"},
	{"/author" + guidePath + "/preview", []string{"body"}, "admin"},
	{"/author" + guidePath + "/steps/2/move", []string{"dir"}, "admin"},
	{"/author" + guidePath + "/authors", []string{"email"}, "admin"},
	{"/signup", []string{"email", "display_name", "password", "next"}, "anonymous"},
	{"/login", []string{"email", "password", "next"}, "anonymous"},
	{"/account/password", []string{"current_password", "new_password"}, "user"},
	{"/account/delete", []string{"delete_password"}, "user"},
	{guidePath + "/steps/2/complete", []string{"done"}, "user"},
	{guidePath + "/steps/2/quiz", []string{"q1", "q2", "user_id"}, "user"},
	{guidePath + "/steps/2/quiz/edit", []string{"id", "kind", "prompt", "choice", "correct", "explanation"}, "admin"},
	{guidePath + "/steps/2/note", []string{"body"}, "user"},
	{"/admin/users/{victim}/role", []string{"role", "q"}, "admin"},
	// Email forms.
	{"/password/forgot", []string{"email"}, "anonymous"},
	{"/password/reset", []string{"token", "password"}, "anonymous"},
	{"/account/email", []string{"new_email", "email_password"}, "user"},
	// Two-factor forms (twofactor_test.go also tries them with two-factor on).
	{"/account/two-factor/setup", []string{"code"}, "user"},
	{"/account/two-factor/disable", []string{"disable_password", "disable_code"}, "user"},
	{"/account/two-factor/recovery-codes", []string{"regenerate_password", "regenerate_code"}, "user"},
	{"/login/two-factor", []string{"code", "next"}, "anonymous"},
	// Webhooks and settings (one webhook's page: webhooks_test.go).
	{"/account/webhooks", []string{"url", "events"}, "admin"},
	{"/admin/settings", []string{"private_webhook_targets"}, "admin"},
	// API tokens (account_tokens.go).
	{"/account/tokens", []string{"name", "scopes", "expires"}, "user"},
	{"/account/tokens", []string{"name", "scopes", "expires"}, "admin"},
}

// hostileQueries lists GET pages with the parameters they read.
var hostileQueries = []struct {
	path   string
	params []string
	as     string
}{
	{"/", []string{"page"}, "anonymous"},
	{"/author" + guidePath, []string{"done"}, "admin"},
	{"/author" + guidePath + "/steps/1", []string{"done"}, "admin"},
	{"/author" + guidePath + "/steps/1/revisions", []string{"done"}, "admin"},
	{"/author" + guidePath + "/steps/1/revisions/diff", []string{"a", "b"}, "admin"},
	{"/", []string{"tag", "difficulty", "sort", "page"}, "user"},
	{"/search", []string{"q", "page"}, "anonymous"},
	{"/search", []string{"q"}, "user"},
	{"/login", []string{"next"}, "anonymous"},
	{"/signup", []string{"next"}, "anonymous"},
	{"/account", []string{"done"}, "user"},
	{"/login", []string{"done"}, "anonymous"},
	{"/password/forgot", []string{"done"}, "anonymous"},
	{"/password/reset", []string{"token"}, "anonymous"},
	{"/email/verify", []string{"token"}, "anonymous"},
	{"/account/email/confirm", []string{"token"}, "anonymous"},
	{"/login/two-factor", []string{"next"}, "anonymous"},
	{"/admin/users", []string{"q", "page", "done"}, "admin"},
	{"/admin/audit", []string{"event", "user", "from", "to", "before"}, "admin"},
	{guidePath + "/steps/2/quiz/edit", []string{"edit", "done"}, "admin"},
	{"/notes", []string{"page"}, "user"},
	{"/account/webhooks", []string{"done"}, "admin"},
	{"/admin/settings", []string{"done"}, "admin"},
	{"/account/tokens", []string{"done"}, "user"},
}

// hostilePaths are path parameters with hostile values.
var hostilePaths = []string{
	"/guides/%27%20OR%201=1--", "/guides/%3Cscript%3E", "/guides/" + guidesSlug + "/steps/1%20OR%201=1",
	"/guides/" + guidesSlug + "/steps/99999999999999999999", "/guides/" + guidesSlug + "/steps/%00",
	"/admin/users/1%20OR%201=1/lock", "/static/..%2F..%2Fgo.mod", "/static/%2e%2e/%2e%2e/go.mod",
	"/certificates/%27%20OR%201=1--", "/certificates/%3Cscript%3E", "/guides/" + guidesSlug + "/steps/1%20OR%201=1/note",
	"/images/..%2F..%2Fgo.mod", "/images/%2e%2e%2fsecret.key", "/images/%3Cscript%3E.png", "/images/%27%20OR%201=1--.png",
	"/author/guides/%27%20OR%201=1--/images", "/author/guides/%3Cscript%3E/export.zip",
	"/author/guides/%27%20OR%201=1--", "/author/guides/%3Cscript%3E/steps/1", "/author/guides/" + guidesSlug + "/steps/1%20OR%201=1",
	"/author/guides/" + guidesSlug + "/steps/99999999999999999999/revisions", "/author/guides/" + guidesSlug + "/steps/%00/delete",
	"/account/webhooks/%27%20OR%201=1--", "/account/webhooks/99999999999999999999", "/account/webhooks/-1", "/account/webhooks/%3Cscript%3E",
}

const guidesSlug = "backend-web-development"

// TestSecuritySuite drives the running app with hostile input on every form
// and parameter: none succeeds, none yields a 500, and what is echoed back
// is escaped.
func TestSecuritySuite(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	user := srv.client()
	user.signup("target@example.com", "Target", strongPassword)
	admin := newAdmin(t, srv, "boss@example.com")
	victim := mustUser(t, srv, "target@example.com")
	clients := map[string]*client{"user": user, "admin": admin}
	usersBefore := countUsers(t, srv)

	check := func(t *testing.T, what string, r *response) {
		t.Helper()
		if r.StatusCode >= 500 {
			t.Errorf("%s: status %d", what, r.StatusCode)
		}
		for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"} {
			if strings.Contains(r.Body, raw) {
				t.Errorf("%s: response echoes %q unescaped", what, raw)
			}
		}
		if strings.Contains(r.Body, "$argon2id$") {
			t.Errorf("%s: a password hash leaked", what)
		}
	}

	t.Run("forms", func(t *testing.T) {
		for _, f := range hostileForms {
			c := clients[f.as]
			tokPage := "/"
			if f.as == "anonymous" {
				c, tokPage = srv.client(), "/login"
			}
			// One token serves the client's posts while its session
			// lasts; a post refused for its token (a form that rotated
			// the session) gets a fresh one and is sent again, so every
			// hostile value reaches its handler.
			tok := c.csrf(tokPage)
			path := strings.ReplaceAll(f.path, "{victim}", itoa(victim.ID))
			for _, field := range f.fields {
				for name, value := range hostile {
					form := url.Values{}
					for _, other := range f.fields {
						form.Set(other, "benign value")
					}
					form.Set(field, value)
					form.Set("csrf_token", tok)
					r := c.post(path, form)
					if r.StatusCode == http.StatusForbidden && strings.Contains(r.Body, "did not come from Stepwise") {
						tok = c.csrf(tokPage)
						form.Set("csrf_token", tok)
						r = c.post(path, form)
					}
					what := "POST " + path + " " + field + "=" + name
					if r.StatusCode == http.StatusForbidden && strings.Contains(r.Body, "did not come from Stepwise") {
						t.Errorf("%s: refused for its CSRF token, so the value was never tried", what)
					}
					check(t, what, r)
				}
			}
		}
	})
	t.Run("query parameters", func(t *testing.T) {
		for _, q := range hostileQueries {
			c := clients[q.as]
			if q.as == "anonymous" {
				c = srv.client()
			}
			for _, p := range q.params {
				for name, value := range hostile {
					r, err := c.tryGet(q.path + "?" + url.Values{p: {value}}.Encode())
					if err != nil {
						// A 100 KB URL is more than the server reads: it
						// may close the connection. Refused is fine.
						continue
					}
					check(t, "GET "+q.path+" "+p+"="+name, r)
				}
			}
		}
	})
	t.Run("path parameters", func(t *testing.T) {
		for _, p := range hostilePaths {
			r := admin.get(p)
			check(t, "GET "+p, r)
			if r.StatusCode == http.StatusOK && strings.Contains(r.Body, "module stepwise") {
				t.Errorf("GET %s: served a file outside static/", p)
			}
		}
	})
	t.Run("script in a display name is escaped everywhere it shows", func(t *testing.T) {
		evil := srv.client()
		evil.signup("evil@example.com", `<script>alert(1)</script>"><img src=x onerror=alert(1)>`, strongPassword)
		for _, page := range []string{"/", "/account", step3} {
			r := evil.get(page)
			check(t, "GET "+page+" as evil", r)
			if !strings.Contains(r.Body, "&lt;script&gt;") {
				t.Errorf("%s: the name is not shown escaped", page)
			}
		}
		check(t, "admin users list", admin.get("/admin/users?q=evil"))
		check(t, "admin audit log", admin.get("/admin/audit"))
	})
	t.Run("every unsafe route refuses a missing or forged CSRF token", func(t *testing.T) {
		for _, r := range srv.App.GetRoutes(true) {
			if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch && r.Method != http.MethodDelete {
				continue
			}
			path := strings.NewReplacer(":slug", guidesSlug, ":n", "2", ":id", itoa(victim.ID), ":code", "x").Replace(r.Path)
			if strings.HasPrefix(path, "/api/v1/") {
				// The API never reads the session cookie, so a page
				// cannot forge a call with it: a signed-in browser's
				// request, even with a real CSRF token, is 401. The one
				// route without a token (creating one with a password)
				// takes only JSON, which a cross-site form cannot send.
				req, _ := http.NewRequest(r.Method, srv.URL+path, strings.NewReader(url.Values{"csrf_token": {admin.csrf("/account")}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				want := http.StatusUnauthorized
				if path == "/api/v1/tokens" && r.Method == http.MethodPost {
					want = http.StatusUnsupportedMediaType
				}
				if got := admin.do(req).StatusCode; got != want {
					t.Errorf("%s %s with the session cookie: got %d, want %d", r.Method, path, got, want)
				}
				continue
			}
			for name, tok := range map[string]string{"missing": "", "forged": "forged-token"} {
				form := url.Values{}
				if tok != "" {
					form.Set("csrf_token", tok)
				}
				if got := admin.post(path, form).StatusCode; got != http.StatusForbidden {
					t.Errorf("%s %s with %s token: got %d, want 403", r.Method, path, name, got)
				}
			}
		}
	})
	t.Run("every unsafe route refuses a visitor's missing, forged or other visitor's token", func(t *testing.T) {
		visitor, other := srv.client(), srv.client()
		visitor.csrf("/login") // the visitor's cookie, so only the token is wrong
		otherTok := other.csrf("/login")
		for _, r := range srv.App.GetRoutes(true) {
			if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
				continue
			}
			path := strings.NewReplacer(":slug", guidesSlug, ":n", "2", ":id", itoa(victim.ID), ":code", "x").Replace(r.Path)
			for name, tok := range map[string]string{"missing": "", "forged": "forged-token", "other visitor's": otherTok} {
				form := url.Values{}
				if tok != "" {
					form.Set("csrf_token", tok)
				}
				if got := visitor.post(path, form).StatusCode; got != http.StatusForbidden {
					t.Errorf("visitor %s %s with %s token: got %d, want 403", r.Method, path, name, got)
				}
			}
		}
	})
	t.Run("every unsafe route refuses a token in the query string", func(t *testing.T) {
		visitor := srv.client()
		as := map[string]*client{"visitor": visitor, "admin": admin}
		tokens := map[string]string{"visitor": visitor.csrf("/login"), "admin": admin.csrf("/account")}
		for _, r := range srv.App.GetRoutes(true) {
			if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
				continue
			}
			path := strings.NewReplacer(":slug", guidesSlug, ":n", "2", ":id", itoa(victim.ID), ":code", "x").Replace(r.Path)
			for who, c := range as {
				q := url.Values{"csrf_token": {tokens[who]}}
				if got := c.post(path+"?"+q.Encode(), url.Values{}).StatusCode; got != http.StatusForbidden {
					t.Errorf("%s %s %s with the token in the query: got %d, want 403", who, r.Method, path, got)
				}
			}
		}
	})
	t.Run("visitors' pages store no session", func(t *testing.T) {
		before := srv.sessionRows()
		visitor := srv.client()
		for _, q := range hostileQueries {
			if q.as != "anonymous" {
				continue
			}
			for i := 0; i < 10; i++ {
				if r := visitor.get(q.path); sessionCookie(r) != nil {
					t.Errorf("GET %s as a visitor set a session cookie", q.path)
				}
			}
		}
		if got := srv.sessionRows(); got != before {
			t.Errorf("session rows after visitors' page views: got %d, want %d", got, before)
		}
	})
	t.Run("oversized bodies are refused on every form", func(t *testing.T) {
		for _, f := range hostileForms {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+strings.ReplaceAll(f.path, "{victim}", "1"), strings.NewReader("x="+strings.Repeat("a", 2<<20)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := admin.http.Do(req)
			if err != nil {
				continue // connection closed mid-upload: refused
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with 2 MiB: got %d, want 413", f.path, resp.StatusCode)
			}
		}
	})
	t.Run("a body announced over the limit is refused before it is sent", func(t *testing.T) {
		// Headers only, announcing 20 MB: the answer must come without a
		// single body byte sent (the server never waits for, or makes room
		// for, what a client merely announces).
		host := strings.TrimPrefix(srv.URL, "http://")
		for _, f := range hostileForms {
			conn, err := net.DialTimeout("tcp", host, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			path := strings.ReplaceAll(f.path, "{victim}", "1")
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20000000\r\n\r\n", path, host)
			status, err := bufio.NewReader(conn).ReadString('\n')
			_ = conn.Close()
			if err != nil || !strings.Contains(status, " 413 ") {
				t.Errorf("POST %s announcing 20 MB: got %q (%v), want 413 before the body", path, status, err)
			}
		}
	})
	t.Run("session fixation", func(t *testing.T) {
		c := srv.client()
		planted := srv.plantSession(c)
		r := c.login("target@example.com", strongPassword, "")
		after := sessionCookie(r)
		if after == nil || planted == after.Value {
			t.Fatalf("the session token was not renewed at login")
		}
		fixed := srv.client()
		u, _ := url.Parse(srv.URL)
		fixed.http.Jar.SetCookies(u, []*http.Cookie{{Name: "stepwise_session", Value: planted}})
		if fixed.get("/account").StatusCode != http.StatusSeeOther {
			t.Errorf("the planted token is signed in")
		}
	})

	// Nothing hostile created, dropped or changed accounts.
	if got := countUsers(t, srv); got != usersBefore+1 { // +1: the evil-named user
		t.Errorf("users: got %d, want %d", got, usersBefore+1)
	}
	if u := mustUser(t, srv, "target@example.com"); u.Role != models.RoleLearner && u.Role != models.RoleAuthor && u.Role != models.RoleAdmin {
		t.Errorf("victim role corrupted: %q", u.Role)
	}
}

func countUsers(t *testing.T, srv *server) int {
	t.Helper()
	var n int
	if err := srv.DB.Get(context.Background(), &n, `SELECT count(*) FROM users`); err != nil {
		t.Fatal(err)
	}
	return n
}

// tryGet is get that reports a transport error (such as the server closing
// the connection on an oversized request) instead of failing the test.
func (c *client) tryGet(path string) (*response, error) {
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{Response: resp, Body: string(b)}, nil
}
