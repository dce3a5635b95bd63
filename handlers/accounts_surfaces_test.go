package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"stepwise/models"
)

// The account operations are one place for each rule: these tests give
// the login page and POST /api/v1/tokens (and the tokens page and the
// API's tokens) the same refusal, and want the same status and reason.

// apiProblem is the part of a problem detail these tests compare.
type apiProblem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// apiCall sends body as JSON to the API from ip, with token if any and
// headers (name, value pairs), and decodes the problem detail of a
// refusal.
func apiCall(c *client, method, path, ip, token string, body any, headers ...string) (*response, apiProblem) {
	c.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	r := c.do(req)
	var p apiProblem
	if r.StatusCode >= 400 {
		if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
			c.t.Fatalf("%s %s: not a problem detail: %.300s", method, path, r.Body)
		}
	}
	return r, p
}

// sameRefusal fails t unless the page and the API answered with status
// and the same reason.
func sameRefusal(t *testing.T, page *response, pageReason string, api *response, apiReason string, status int) {
	t.Helper()
	wantStatus(t, page, status)
	wantStatus(t, api, status)
	if pageReason == "" || pageReason != apiReason {
		t.Errorf("the page says %q, the API %q", pageReason, apiReason)
	}
}

func TestSignInRefusalsAreTheSameOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	srv.client().signup("same@example.com", "Same", strongPassword)
	c := srv.client()
	token := func(ip, password string) (*response, apiProblem) {
		return apiCall(c, http.MethodPost, "/api/v1/tokens", ip, "", map[string]any{
			"email": "same@example.com", "password": password, "name": "x", "scopes": []string{"read"},
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		page := c.loginFrom("203.0.113.1", "same@example.com", "wrong guess")
		api, p := token("203.0.113.2", "wrong guess")
		sameRefusal(t, page, page.testid(t, "form-error").Text(), api, p.Detail, http.StatusUnauthorized)
	})
	t.Run("throttled", func(t *testing.T) {
		// Both count against the email at the address: a page's
		// failures throttle the API too.
		const ip = "203.0.113.3"
		for i := 0; i < 4; i++ {
			wantStatus(t, c.loginFrom(ip, "same@example.com", "wrong guess"), http.StatusUnauthorized)
		}
		page := c.loginFrom(ip, "same@example.com", strongPassword)
		api, p := token(ip, strongPassword)
		wantStatus(t, page, http.StatusTooManyRequests)
		wantStatus(t, api, http.StatusTooManyRequests)
		msg := page.testid(t, "form-error").Text()
		if !strings.HasPrefix(msg, "Too many attempts") || !strings.HasPrefix(p.Detail, "Too many attempts") {
			t.Errorf("the page says %q, the API %q", msg, p.Detail)
		}
		for _, r := range []*response{page, api} {
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("%s: Retry-After %q", r.Request.URL.Path, r.Header.Get("Retry-After"))
			}
		}
	})
	t.Run("must reset", func(t *testing.T) {
		dbExec(t, srv, `UPDATE users SET must_reset_password = TRUE WHERE email = ?`, "same@example.com")
		page := c.loginFrom("203.0.113.4", "same@example.com", strongPassword)
		api, p := token("203.0.113.5", strongPassword)
		sameRefusal(t, page, page.testid(t, "form-error").Text(), api, p.Detail, http.StatusForbidden)
	})
	t.Run("locked", func(t *testing.T) {
		dbExec(t, srv, `UPDATE users SET must_reset_password = FALSE, locked_at = ? WHERE email = ?`, time.Now().UTC(), "same@example.com")
		page := c.loginFrom("203.0.113.6", "same@example.com", strongPassword)
		api, p := token("203.0.113.7", strongPassword)
		sameRefusal(t, page, page.testid(t, "form-error").Text(), api, p.Detail, http.StatusForbidden)
	})
	t.Run("missing fields", func(t *testing.T) {
		page := c.loginFrom("203.0.113.8", "", "")
		api, p := apiCall(c, http.MethodPost, "/api/v1/tokens", "203.0.113.9", "", map[string]any{})
		wantStatus(t, page, http.StatusUnprocessableEntity)
		wantStatus(t, api, http.StatusUnprocessableEntity)
		for _, e := range p.Errors {
			if got := page.testid(t, e.Field+"-error").Text(); !strings.Contains(got, e.Detail) {
				t.Errorf("%s: the page says %q, the API %q", e.Field, got, e.Detail)
			}
		}
		if len(p.Errors) != 2 {
			t.Errorf("API errors = %+v", p.Errors)
		}
	})
}

func TestWrongSecondFactorIsTheSameOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	const email = "code@example.com"
	owner := srv.client()
	owner.signup(email, "Code", tfPassword)
	secret, _ := owner.enrol()
	bad := wrongCode(t, secret)

	c := srv.client()
	c.passwordStep(email, "")
	page := c.codeFrom("203.0.113.1", bad)
	api, p := apiCall(c, http.MethodPost, "/api/v1/tokens", "203.0.113.2", "", map[string]any{
		"email": email, "password": tfPassword, "code": bad, "name": "x", "scopes": []string{"read"},
	})
	sameRefusal(t, page, page.testid(t, "code-error").Text(), api, p.Detail, http.StatusUnauthorized)
}

func TestTokenRefusalsAreTheSameOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	c := srv.client()
	c.signup("tokens@example.com", "Tokens", strongPassword)
	u := srv.userByEmail("tokens@example.com")
	text := readWriteToken(t, srv, u.ID)

	// Creating: a learner may not have the admin scope.
	page := c.postForm("/account/tokens", "/account/tokens", url.Values{"name": {"Sneaky"}, "scopes": {"admin"}, "expires": {"30"}})
	api, p := apiCall(c, http.MethodPost, "/api/v1/tokens", "203.0.113.1", "", map[string]any{
		"email": u.Email, "password": strongPassword, "name": "Sneaky", "scopes": []string{"admin"},
	})
	if len(p.Errors) != 1 || p.Errors[0].Field != "scopes" {
		t.Fatalf("API errors = %+v", p.Errors)
	}
	sameRefusal(t, page, page.testid(t, "scopes-error").Text(), api, p.Errors[0].Detail, http.StatusUnprocessableEntity)

	// Revoking a token that is not there.
	page = c.postForm("/account/tokens", "/account/tokens/999999/revoke", nil)
	api, _ = apiCall(c, http.MethodDelete, "/api/v1/tokens/999999", "203.0.113.1", text, nil, "If-Match", `"x"`)
	wantStatus(t, page, http.StatusNotFound)
	wantStatus(t, api, http.StatusNotFound)
}

// Both surfaces' data export is one operation, audited the same way.
func TestExportIsAuditedTheSameOnBothSurfaces(t *testing.T) {
	t.Parallel()
	srv, _ := newThrottleServer(t)
	c := srv.client()
	c.signup("export@example.com", "Export", strongPassword)
	u := srv.userByEmail("export@example.com")
	wantStatus(t, c.get("/account/export"), http.StatusOK)
	api, _ := apiCall(c, http.MethodGet, "/api/v1/me/export", "203.0.113.1", readWriteToken(t, srv, u.ID), nil)
	wantStatus(t, api, http.StatusOK)
	if n := srv.auditCount(u.Email, models.EventDataExport); n != 2 {
		t.Errorf("%d exports audited, want 2", n)
	}
}

// readWriteToken makes a read and write token for userID and returns its
// text.
func readWriteToken(t *testing.T, srv *server, userID int64) string {
	t.Helper()
	_, text, err := srv.Models.APITokens.Create(context.Background(), userID,
		models.NewAPIToken{Name: "both surfaces", Scopes: []string{models.ScopeRead, models.ScopeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// dbExec changes the database as an admin's action would.
func dbExec(t *testing.T, srv *server, query string, args ...any) {
	t.Helper()
	if _, err := srv.DB.Exec(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}
