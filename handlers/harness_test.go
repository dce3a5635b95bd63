package handlers_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"stepwise/db"
	"stepwise/handlers/mail"
	"stepwise/handlers/root"
	"stepwise/handlers/root/roottest"
	"stepwise/models"
)

// server is the real Fiber app on a loopback port over a fresh database.
type server struct {
	t      *testing.T
	URL    string
	DB     *db.DB
	Models *models.Models
	Logs   *lockedWriter
	App    *fiber.App

	// Mailbox holds the mails the app sent (nil when a test gave the app
	// another mailer).
	Mailbox *mail.Mailbox
}

// newServer starts the app; opts may change its dependencies first.
func newServer(t *testing.T, opts ...func(*root.Config)) *server {
	t.Helper()
	var deps root.Config
	app, d, m, logs := newApp(t, append(opts, func(d *root.Config) { deps = *d })...)
	mailbox, _ := deps.Mailer.(*mail.Mailbox)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return &server{t: t, URL: "http://" + ln.Addr().String(), DB: d, Models: m, Logs: logs, App: app, Mailbox: mailbox}
}

// newApp builds the real app over a fresh database with the built-in
// guide, without listening (for app.Test and fuzzing). Mail goes to a dev
// mailbox, with links under testBaseURL; opts may change the dependencies.
func newApp(tb testing.TB, opts ...func(*root.Config)) (*fiber.App, *db.DB, *models.Models, *lockedWriter) {
	tb.Helper()
	logs := &lockedWriter{b: &strings.Builder{}}
	cfg := roottest.Config(tb, logs)
	for _, opt := range opts {
		opt(&cfg)
	}
	app := roottest.New(tb, cfg)
	return app.Fiber, cfg.DB, app.Models, logs
}

// client is a browser-like client: a cookie jar, and redirects reported
// rather than followed so tests can assert them.
type client struct {
	t    *testing.T
	srv  *server
	http *http.Client
}

func (s *server) client() *client {
	jar, _ := cookiejar.New(nil)
	// Its own transport, whose idle connections close before the server
	// shuts down (which would otherwise wait for them to time out).
	tr := &http.Transport{}
	s.t.Cleanup(tr.CloseIdleConnections)
	return &client{t: s.t, srv: s, http: &http.Client{
		Jar:       jar,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is a finished request with its body read.
type response struct {
	*http.Response
	Body string
}

func (r *response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return d
}

func (r *response) testid(t *testing.T, id string) *goquery.Selection {
	return r.doc(t).Find(`[data-testid="` + id + `"]`)
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return &response{Response: resp, Body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form; headers are added as given (e.g. HX-Request).
func (c *client) post(path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// csrf fetches path and returns the csrf_token of its first form, the way
// a browser would get it.
func (c *client) csrf(path string) string {
	c.t.Helper()
	r := c.get(path)
	tok, ok := r.doc(c.t).Find(`input[name="csrf_token"]`).First().Attr("value")
	if !ok || tok == "" {
		c.t.Fatalf("no csrf_token on %s (status %d)", path, r.StatusCode)
	}
	return tok
}

// signup creates an account through the form and leaves c signed in.
func (c *client) signup(email, name, password string) {
	c.t.Helper()
	tok := c.csrf("/signup")
	r := c.post("/signup", url.Values{"csrf_token": {tok}, "email": {email}, "display_name": {name}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("signup %s: got %d, want 303; body: %.500s", email, r.StatusCode, r.Body)
	}
}

func (c *client) login(email, password, next string) *response {
	c.t.Helper()
	tok := c.csrf("/login")
	return c.post("/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {password}, "next": {next}})
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: got status %d, want %d; body: %.600s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Body)
	}
}

// progressRows counts progress rows for email across all guides.
func (s *server) progressRows(email string) int {
	s.t.Helper()
	var n int
	err := s.DB.Get(context.Background(), &n,
		`SELECT count(*) FROM progress p JOIN users u ON u.id = p.user_id WHERE u.email = ?`, email)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.t.Fatal(err)
	}
	return n
}
