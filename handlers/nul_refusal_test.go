package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNULTextIsRefused: a NUL in a form field or a query parameter is a
// 400 that says what is wrong, and in an API body's string a 422 naming the
// field, whatever the database (PostgreSQL cannot store it in text).
func TestNULTextIsRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()

	r := c.post("/login", url.Values{"csrf_token": {c.csrf("/login")}, "email": {"a\x00b@example.com"}, "password": {"x"}})
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(r.Body, "NUL character") {
		t.Errorf("form refusal does not name the NUL: %s", r.Body)
	}
	wantStatus(t, c.get("/search?q=a%00b"), http.StatusBadRequest)
	wantStatus(t, c.get("/search?q=a%2500b"), http.StatusOK) // the text "%00"

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/tokens", strings.NewReader(`{"email":"a\u0000b@example.com","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	r = c.do(req)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("API refusal content type %q, want problem+json", ct)
	}
	if !strings.Contains(r.Body, `"field":"email"`) {
		t.Errorf("API refusal does not name the field: %s", r.Body)
	}
}
