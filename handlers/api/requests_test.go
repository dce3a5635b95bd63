package api_test

import (
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers/api"
	"stepwise/models"
)

// TestMalformedRequests: every way a body can be wrong gets a problem
// detail that says what is wrong, never a 500.
func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.as("") // POST /tokens takes no token: the body is all there is
	cases := []struct {
		name, ctype, body string
		status            int
		detail            string
	}{
		{"wrong content type", "text/plain", `{"email":"x"}`, http.StatusUnsupportedMediaType, "application/json"},
		{"form encoded", "application/x-www-form-urlencoded", `email=x`, http.StatusUnsupportedMediaType, "application/json"},
		{"no content type", "", `{"email":"x"}`, http.StatusUnsupportedMediaType, "application/json"},
		{"empty", "application/json", ``, http.StatusBadRequest, "empty"},
		{"syntax", "application/json", `{"email":`, http.StatusBadRequest, "JSON"},
		{"not an object", "application/json", `[1,2]`, http.StatusBadRequest, "object"},
		{"wrong type", "application/json", `{"email": 7}`, http.StatusBadRequest, `"email"`},
		{"unknown field", "application/json", `{"email":"x","colour":"red"}`, http.StatusBadRequest, `"colour"`},
		{"two values", "application/json", `{"email":"x"} {"email":"y"}`, http.StatusBadRequest, "more than one"},
		{"null", "application/json", `null`, http.StatusBadRequest, "object"},
		{"a string", "application/json", `"email"`, http.StatusBadRequest, "object"},
		{"malformed multipart", "multipart/form-data; boundary=xyz", `garbage`, http.StatusUnsupportedMediaType, "application/json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := author
			if tc.ctype != "" {
				c = c.with("Content-Type", tc.ctype)
			}
			p := c.post("/api/v1/tokens", tc.body).want(t, tc.status).Problem(t)
			if !strings.Contains(p.Detail, tc.detail) && !strings.Contains(strings.Join(fieldNames(p.Errors), " "), tc.detail) {
				t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
			}
			if p.Status != tc.status || p.RequestID == "" {
				t.Errorf("problem = %+v", p)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
		author.post("/api/v1/tokens", big).want(t, http.StatusRequestEntityTooLarge).Problem(t)
	})
	t.Run("unknown route", func(t *testing.T) {
		srv.as("").get("/api/v1/nothing-here").want(t, http.StatusUnauthorized).Problem(t)
		reader := srv.as(srv.token(srv.user(models.RoleLearner), "read"))
		reader.get("/api/v1/nothing-here").want(t, http.StatusNotFound).Problem(t)
	})
}

func fieldNames(errs []api.FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}
