package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// sessionCookies are the session cookie's names: over HTTPS (through
// nginx) the server uses the __Host- prefixed one.
var sessionCookies = []string{"stepwise_session", "__Host-stepwise_session"}

// session is what a signed-in browser holds: the session cookie and the
// CSRF token the pages hand out.
type session struct {
	cookie      string // the session cookie, name=value
	csrf        string
	displayName string // the user's name, as the database has it
	token       string // a personal access token for the API workloads
}

// trust is the TLS configuration that trusts the benchmark's nginx, when
// it runs one.
var trust *tls.Config

// newClient is a client that reports redirects instead of following them
// and, like wrk, does not ask for compressed responses. It keeps no
// connection open between requests: the server allows one address 64
// connections (-max-conns-per-ip), and wrk's 64 must all get in.
func newClient(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DisableCompression: true, DisableKeepAlives: true, TLSClientConfig: trust},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// login signs in through the real forms, as a browser would: GET /login
// for the form's CSRF token, POST it with the credentials (303 on success),
// then read the signed-in CSRF token from a page.
func login(ctx context.Context, base, email, password string) (session, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return session{}, err
	}
	client := newClient(jar)

	status, body, err := fetch(ctx, client, http.MethodGet, base+"/login", nil, nil)
	if err != nil || status != http.StatusOK {
		return session{}, fmt.Errorf("GET /login: status %d, %v", status, err)
	}
	token, err := csrfInput(body)
	if err != nil {
		return session{}, fmt.Errorf("GET /login: %w", err)
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf_token": {token}}
	status, body, err = fetch(ctx, client, http.MethodPost, base+"/login",
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader(form.Encode()))
	if err != nil || status != http.StatusSeeOther {
		return session{}, fmt.Errorf("POST /login: status %d (want 303), %v: %s", status, err, snippet(body))
	}

	// Signing in renews the CSRF token; any signed-in page carries the new
	// one in its logout form.
	status, body, err = fetch(ctx, client, http.MethodGet, base+"/", nil, nil)
	if err != nil || status != http.StatusOK {
		return session{}, fmt.Errorf("GET / signed in: status %d, %v", status, err)
	}
	var s session
	if s.csrf, err = csrfInput(body); err != nil {
		return session{}, fmt.Errorf("GET / signed in: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return session{}, err
	}
	for _, c := range jar.Cookies(u) {
		if slices.Contains(sessionCookies, c.Name) {
			s.cookie = c.Name + "=" + c.Value
		}
	}
	if s.cookie == "" {
		return session{}, fmt.Errorf("no session cookie (%s) after logging in", strings.Join(sessionCookies, " or "))
	}
	return s, nil
}

// apiToken creates a read+write personal access token with the password,
// as the README's walk-through does.
func apiToken(ctx context.Context, base, email, password string) (string, error) {
	body, err := json.Marshal(map[string]any{"email": email, "password": password, "name": "benchmark", "scopes": []string{"read", "write"}})
	if err != nil {
		return "", err
	}
	status, page, err := fetch(ctx, newClient(nil), http.MethodPost, base+"/api/v1/tokens",
		map[string]string{"Content-Type": "application/json"}, bytes.NewReader(body))
	if err != nil || status != http.StatusCreated {
		return "", fmt.Errorf("POST /api/v1/tokens: status %d (want 201), %v: %s", status, err, snippet(page))
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(page, &tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("POST /api/v1/tokens: no token in %s (%v)", snippet(page), err)
	}
	return tok.Token, nil
}

// csrfInput returns the value of the page's hidden csrf_token input.
func csrfInput(page []byte) (string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return "", err
	}
	token := doc.Find(`input[name="csrf_token"]`).First().AttrOr("value", "")
	if token == "" {
		return "", errors.New("no csrf_token input on the page")
	}
	return token, nil
}

// fetch sends one request and reads the whole response.
func fetch(ctx context.Context, client *http.Client, method, url string, headers map[string]string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// snippet shortens a response body for an error message.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
