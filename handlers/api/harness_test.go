package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"stepwise/db"
	"stepwise/handlers/api"
	"stepwise/handlers/root"
	"stepwise/handlers/root/roottest"
	"stepwise/models"
)

// password passes the strength check; every test user has it.
const password = "amber lantern quietly 42"

// server is the real app on a loopback port over a fresh database, with
// the built-in guide loaded. Every response its requests get is checked
// against the OpenAPI document.
type server struct {
	t      *testing.T
	URL    string
	DB     *db.DB
	Models *models.Models
	Logs   *logBuffer
	App    *fiber.App
	http   *http.Client
	users  int
}

func newServer(t *testing.T, opts ...func(*root.Config)) *server {
	t.Helper()
	logs := &logBuffer{}
	cfg := roottest.Config(t, logs)
	for _, o := range opts {
		o(&cfg)
	}
	built := roottest.New(t, cfg)
	app, d, m := built.Fiber, cfg.DB, built.Models
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &server{t: t, URL: "http://" + ln.Addr().String(), DB: d, Models: m, Logs: logs, App: app,
		http: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// user creates an account with role and returns it.
func (s *server) user(role string) models.User {
	s.t.Helper()
	s.users++
	ctx := context.Background()
	u, err := s.Models.Users.Create(ctx, models.NewUser{
		Email: fmt.Sprintf("%s%d@example.com", role, s.users), DisplayName: fmt.Sprintf("%s %d", role, s.users), Password: password,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if role != models.RoleLearner {
		if err := s.Models.Users.SetRole(ctx, u.ID, role); err != nil {
			s.t.Fatal(err)
		}
		u.Role = role
	}
	return u
}

// token returns a new token of u's with scopes.
func (s *server) token(u models.User, scopes ...string) string {
	s.t.Helper()
	_, text, err := s.Models.APITokens.Create(context.Background(), u.ID, models.NewAPIToken{Name: "test", Scopes: scopes})
	if err != nil {
		s.t.Fatal(err)
	}
	return text
}

// as is a caller holding token ("" for none).
func (s *server) as(token string) *caller { return &caller{s: s, token: token} }

type caller struct {
	s       *server
	token   string
	headers map[string]string
}

// with returns a copy of the caller that also sends header k: v.
func (c *caller) with(k, v string) *caller {
	h := map[string]string{}
	for a, b := range c.headers {
		h[a] = b
	}
	h[k] = v
	return &caller{s: c.s, token: c.token, headers: h}
}

// response is a finished request: status, headers, body, decoded JSON.
type response struct {
	*http.Response
	Body []byte
}

// JSON decodes the body into v.
func (r *response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map is the body as a JSON object.
func (r *response) Map(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Problem is the body as a problem detail.
func (r *response) Problem(t *testing.T) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p api.Problem
	r.JSON(t, &p)
	return p
}

// want fails the test unless the status is status.
func (r *response) want(t *testing.T, status int) *response {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
	return r
}

// do sends a request with body (marshalled as JSON unless it is a string
// or []byte, sent as is) and checks the response against the document.
func (c *caller) do(method, path string, body any) *response {
	c.s.t.Helper()
	var rd io.Reader
	raw := false
	switch b := body.(type) {
	case nil:
	case string:
		rd, raw = strings.NewReader(b), true
	case []byte:
		rd, raw = bytes.NewReader(b), true
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.s.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.s.URL+path, rd)
	if err != nil {
		c.s.t.Fatal(err)
	}
	if body != nil && !raw {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := c.s.http.Do(req)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.s.t.Fatal(err)
	}
	r := &response{Response: res, Body: b}
	checkContract(c.s.t, req, r)
	return r
}

func (c *caller) get(path string) *response { c.s.t.Helper(); return c.do(http.MethodGet, path, nil) }
func (c *caller) post(path string, body any) *response {
	c.s.t.Helper()
	return c.do(http.MethodPost, path, body)
}
func (c *caller) put(path string, body any) *response {
	c.s.t.Helper()
	return c.do(http.MethodPut, path, body)
}
func (c *caller) patch(path string, body any) *response {
	c.s.t.Helper()
	return c.do(http.MethodPatch, path, body)
}
func (c *caller) delete(path string) *response {
	c.s.t.Helper()
	return c.do(http.MethodDelete, path, nil)
}

// contract is the validator over the app's own OpenAPI document.
var contract = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(api.Document())
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("validator: %v", errs)
	}
	return v, nil
})

// checkContract fails t when an API response is not what the document
// says the operation answers: its status must be listed, and its body
// must match the schema for that status and content type.
func checkContract(t *testing.T, req *http.Request, r *response) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return
	}
	v, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	// The validator reads the body; give it a fresh copy.
	copyRes := *r.Response
	copyRes.Body = io.NopCloser(bytes.NewReader(r.Body))
	ok, errs := v.ValidateHttpResponse(req, &copyRes)
	if !ok && len(errs) == 1 && strings.Contains(errs[0].Message, "not found") {
		// A path the document does not describe: the only answers are
		// "no token" and "nothing here", as problem details.
		if (r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusUnauthorized) ||
			r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s → %d %s: undocumented path answered other than 401/404 problem",
				req.Method, req.URL.Path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		return
	}
	if !ok {
		var msgs []string
		for _, e := range errs {
			msg := e.Message + ": " + e.Reason
			for _, se := range e.SchemaValidationErrors {
				msg += " [" + se.FieldPath + ": " + se.Reason + "]"
			}
			msgs = append(msgs, msg)
		}
		t.Errorf("%s %s → %d does not match the OpenAPI document:\n  %s\n  body: %.300s",
			req.Method, req.URL.Path, r.StatusCode, strings.Join(msgs, "\n  "), r.Body)
	}
}

// logBuffer collects the app's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// walkPages follows the list at path (whose query sets limit) to its last
// page and returns every item in order, checking the cursor conventions
// on the way: full pages of limit items, each with a Link rel="next"
// header carrying the cursor, and a last page with neither.
func walkPages[T any](t *testing.T, c *caller, path string, limit int) []T {
	t.Helper()
	var all []T
	next := path
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatalf("%s: pagination does not end", path)
		}
		var p struct {
			Items      []T     `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		r := c.get(next).want(t, http.StatusOK)
		r.JSON(t, &p)
		all = append(all, p.Items...)
		link := r.Header.Get("Link")
		if p.NextCursor == nil {
			if link != "" {
				t.Errorf("%s: the last page has a Link header %q", next, link)
			}
			if len(p.Items) > limit {
				t.Fatalf("%s: a page of %d items, limit %d", next, len(p.Items), limit)
			}
			return all
		}
		if len(p.Items) != limit {
			t.Fatalf("%s: a page of %d items before the last, want %d", next, len(p.Items), limit)
		}
		if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, url.QueryEscape(*p.NextCursor)) {
			t.Errorf("%s: Link = %q, want the next page's cursor", next, link)
		}
		next = path + "&cursor=" + url.QueryEscape(*p.NextCursor)
	}
}
