package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"stepwise/handlers/root"
	"stepwise/models"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := srv.user(models.RoleLearner)
	tok := srv.token(u, models.ScopeRead)

	t.Run("no token", func(t *testing.T) {
		r := srv.as("").get("/api/v1/me").want(t, http.StatusUnauthorized)
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
		}
		r.Problem(t)
	})
	t.Run("malformed and unknown tokens", func(t *testing.T) {
		for _, bad := range []string{"nonsense", "swp_short", "swp_" + strings.Repeat("A", 43), tok + "x"} {
			r := srv.as(bad).get("/api/v1/me").want(t, http.StatusUnauthorized)
			if !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("%q: WWW-Authenticate = %q", bad, r.Header.Get("WWW-Authenticate"))
			}
		}
		srv.as("").with("Authorization", "Basic "+tok).get("/api/v1/me").want(t, http.StatusUnauthorized)
	})
	t.Run("valid token", func(t *testing.T) {
		var me struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
			Role  string `json:"role"`
		}
		srv.as(tok).get("/api/v1/me").want(t, http.StatusOK).JSON(t, &me)
		if me.ID != u.ID || me.Email != u.Email || me.Role != models.RoleLearner {
			t.Fatalf("me = %+v", me)
		}
	})
	t.Run("scope", func(t *testing.T) {
		r := srv.as(tok).post("/api/v1/guides", map[string]any{}).want(t, http.StatusForbidden)
		if !strings.Contains(r.Header.Get("WWW-Authenticate"), `insufficient_scope`) {
			t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
		}
		writeOnly := srv.token(u, models.ScopeWrite)
		srv.as(writeOnly).get("/api/v1/me").want(t, http.StatusForbidden)
	})
	t.Run("expired", func(t *testing.T) {
		past := time.Now().Add(time.Hour)
		_, text, err := srv.Models.APITokens.Create(context.Background(), u.ID, models.NewAPIToken{Name: "soon", Scopes: []string{"read"}, ExpiresAt: &past})
		if err != nil {
			t.Fatal(err)
		}
		srv.as(text).get("/api/v1/me").want(t, http.StatusOK)
		if _, err := srv.DB.Exec(context.Background(), `UPDATE api_tokens SET expires_at = ? WHERE name = 'soon'`, time.Now().Add(-time.Minute).UTC()); err != nil {
			t.Fatal(err)
		}
		srv.as(text).get("/api/v1/me").want(t, http.StatusUnauthorized)
	})
	t.Run("locked account", func(t *testing.T) {
		v := srv.user(models.RoleLearner)
		vt := srv.token(v, models.ScopeRead)
		if err := srv.Models.Users.SetLocked(context.Background(), v.ID, true); err != nil {
			t.Fatal(err)
		}
		srv.as(vt).get("/api/v1/me").want(t, http.StatusForbidden).Problem(t)
	})
	t.Run("session cookie is not accepted", func(t *testing.T) {
		// Even a request carrying a browser's cookie is judged by its
		// token alone: without one it is 401, so no CSRF can reach the API.
		srv.as("").with("Cookie", "session=whatever").get("/api/v1/me").want(t, http.StatusUnauthorized)
	})
	t.Run("logs the token id, never the token", func(t *testing.T) {
		srv.as(tok).get("/api/v1/me").want(t, http.StatusOK)
		logs := srv.Logs.String()
		if strings.Contains(logs, tok) || strings.Contains(logs, tok[4:]) {
			t.Fatal("a token's text reached the log")
		}
		if !strings.Contains(logs, "token_id=") {
			t.Fatal("API requests are not logged with their token id")
		}
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(d *root.Config) {
		d.APIRateLimit = models.RateLimit{Requests: 3, Window: time.Hour}
	})
	u := srv.user(models.RoleLearner)
	a, b := srv.token(u, "read"), srv.token(u, "read")
	for i := 3; i > 0; i-- {
		r := srv.as(a).get("/api/v1/me").want(t, http.StatusOK)
		if got := r.Header.Get("RateLimit-Remaining"); got != strconv.Itoa(i-1) {
			t.Errorf("RateLimit-Remaining = %q, want %d", got, i-1)
		}
		if r.Header.Get("RateLimit-Limit") != "3" || r.Header.Get("RateLimit-Reset") == "" || r.Header.Get("RateLimit-Policy") != "3;w=3600" {
			t.Errorf("headers: %v", r.Header)
		}
	}
	r := srv.as(a).get("/api/v1/me").want(t, http.StatusTooManyRequests)
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	r.Problem(t)
	// Another token has its own allowance.
	srv.as(b).get("/api/v1/me").want(t, http.StatusOK)
	// The count lives in the database: a second app over the same
	// database (another instance behind the load balancer) sees it.
	var n int
	if err := srv.DB.Get(context.Background(), &n, `SELECT requests FROM api_rate_windows WHERE token_id = (SELECT min(id) FROM api_tokens)`); err != nil || n != 4 {
		t.Fatalf("stored count = %d, %v; want 4", n, err)
	}
}
