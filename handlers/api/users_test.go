package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type accountView struct {
	ID     int64  `json:"id"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Locked bool   `json:"locked"`
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := srv.user(models.RoleAdmin)
	tok := srv.token(admin, "read", "admin")
	for i := 0; i < 4; i++ {
		srv.user(models.RoleLearner)
	}
	author := srv.user(models.RoleAuthor)

	type page struct {
		Items      []accountView `json:"items"`
		NextCursor *string       `json:"next_cursor"`
	}
	var ids []int64
	for _, u := range walkPages[accountView](t, srv.as(tok), "/api/v1/users?limit=2", 2) {
		ids = append(ids, u.ID)
	}
	if len(ids) != 6 {
		t.Fatalf("listed %v, want 6 users", ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids not ascending: %v", ids)
		}
	}

	var found page
	srv.as(tok).get("/api/v1/users?q="+strings.ToUpper(author.Email[:7])).want(t, http.StatusOK).JSON(t, &found)
	if len(found.Items) != 1 || found.Items[0].ID != author.ID || found.NextCursor != nil {
		t.Fatalf("q found %+v", found.Items)
	}
	srv.as(tok).get("/api/v1/users?q=100%25").want(t, http.StatusOK).JSON(t, &found)
	if len(found.Items) != 0 {
		t.Fatalf("a %% in q is a wildcard: %+v", found.Items)
	}
	srv.as(tok).get("/api/v1/users?q="+strings.Repeat("x", 201)).want(t, http.StatusBadRequest)
	srv.as(tok).get("/api/v1/users?cursor=%%%").want(t, http.StatusBadRequest)

	var one accountView
	r := srv.as(tok).get(fmt.Sprint("/api/v1/users/", author.ID)).want(t, http.StatusOK)
	r.JSON(t, &one)
	if one.Email != author.Email || one.Role != models.RoleAuthor {
		t.Fatalf("user = %+v", one)
	}
	srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(fmt.Sprint("/api/v1/users/", author.ID)).want(t, http.StatusNotModified)
	srv.as(tok).get("/api/v1/users/999999").want(t, http.StatusNotFound)
	srv.as(tok).get("/api/v1/users/abc").want(t, http.StatusNotFound)

	t.Run("who may", func(t *testing.T) {
		srv.as("").get("/api/v1/users").want(t, http.StatusUnauthorized)
		// An admin's token without the admin scope.
		srv.as(srv.token(admin, "read", "write")).get("/api/v1/users").want(t, http.StatusForbidden)
		srv.as(srv.token(admin, "read", "write")).get(fmt.Sprint("/api/v1/users/", author.ID)).want(t, http.StatusForbidden)
		// Not an admin, whatever the token says.
		for _, u := range []models.User{author, srv.user(models.RoleLearner)} {
			utok := srv.forcedToken(u, "read", "admin")
			srv.as(utok).get("/api/v1/users").want(t, http.StatusForbidden)
			srv.as(utok).get(fmt.Sprint("/api/v1/users/", admin.ID)).want(t, http.StatusForbidden)
		}
	})
}

// forcedToken gives u a token with scopes even if token creation would
// refuse them (an admin scope kept after a demotion, say), so the
// endpoints' own checks are what is tested.
func (s *server) forcedToken(u models.User, scopes ...string) string {
	s.t.Helper()
	ctx := context.Background()
	if u.Role == models.RoleAdmin {
		return s.token(u, scopes...)
	}
	if err := s.Models.Users.SetRole(ctx, u.ID, models.RoleAdmin); err != nil {
		s.t.Fatal(err)
	}
	tok := s.token(u, scopes...)
	if err := s.Models.Users.SetRole(ctx, u.ID, u.Role); err != nil {
		s.t.Fatal(err)
	}
	return tok
}

func TestUserUpdate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := srv.user(models.RoleAdmin)
	target := srv.user(models.RoleLearner)
	tok := srv.token(admin, "read", "write", "admin")
	path := fmt.Sprint("/api/v1/users/", target.ID)
	etagOf := func() string { return srv.as(tok).get(path).want(t, http.StatusOK).Header.Get("ETag") }

	t.Run("role", func(t *testing.T) {
		srv.as(tok).patch(path, map[string]any{"role": "author"}).want(t, http.StatusPreconditionRequired)
		srv.as(tok).with("If-Match", `"stale"`).patch(path, map[string]any{"role": "author"}).want(t, http.StatusPreconditionFailed)
		p := srv.as(tok).with("If-Match", etagOf()).patch(path, map[string]any{"role": "owner"}).want(t, http.StatusUnprocessableEntity).Problem(t)
		if !namesField(p.Errors, "role") {
			t.Errorf("errors %+v", p.Errors)
		}
		var u accountView
		srv.as(tok).with("If-Match", etagOf()).patch(path, map[string]any{"role": "author"}).want(t, http.StatusOK).JSON(t, &u)
		if u.Role != models.RoleAuthor {
			t.Fatalf("user = %+v", u)
		}
		stored, err := srv.Models.Users.ByID(context.Background(), target.ID)
		if err != nil || stored.Role != models.RoleAuthor {
			t.Fatalf("stored role %q, %v", stored.Role, err)
		}
		srv.wantAudit(t, models.EventRoleChange, target.ID, "learner → author")
	})
	t.Run("lock and unlock", func(t *testing.T) {
		victimTok := srv.token(target, "read")
		var u accountView
		srv.as(tok).with("If-Match", etagOf()).patch(path, map[string]any{"locked": true}).want(t, http.StatusOK).JSON(t, &u)
		if !u.Locked {
			t.Fatalf("user = %+v", u)
		}
		srv.wantAudit(t, models.EventLock, target.ID, "")
		srv.as(victimTok).get("/api/v1/me").want(t, http.StatusForbidden)
		srv.as(tok).with("If-Match", etagOf()).patch(path, map[string]any{"locked": false}).want(t, http.StatusOK).JSON(t, &u)
		if u.Locked {
			t.Fatalf("user = %+v", u)
		}
		srv.wantAudit(t, models.EventUnlock, target.ID, "")
		srv.as(victimTok).get("/api/v1/me").want(t, http.StatusOK)
	})
	t.Run("no change records nothing", func(t *testing.T) {
		before := srv.auditTotal(t)
		srv.as(tok).with("If-Match", etagOf()).patch(path, map[string]any{"role": "author", "locked": false}).want(t, http.StatusOK)
		if after := srv.auditTotal(t); after != before {
			t.Fatalf("audit entries %d → %d for no change", before, after)
		}
	})
	t.Run("own account", func(t *testing.T) {
		self := fmt.Sprint("/api/v1/users/", admin.ID)
		etag := srv.as(tok).get(self).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(tok).with("If-Match", etag).patch(self, map[string]any{"role": "learner"}).want(t, http.StatusForbidden)
		srv.as(tok).with("If-Match", etag).patch(self, map[string]any{"locked": true}).want(t, http.StatusForbidden)
	})
	t.Run("refused", func(t *testing.T) {
		etag := etagOf()
		srv.as("").patch(path, map[string]any{"role": "learner"}).want(t, http.StatusUnauthorized)
		srv.as(srv.token(admin, "read", "admin")).with("If-Match", etag).patch(path, map[string]any{"role": "learner"}).want(t, http.StatusForbidden)
		srv.as(srv.token(admin, "write")).with("If-Match", etag).patch(path, map[string]any{"role": "learner"}).want(t, http.StatusForbidden)
		learner := srv.user(models.RoleLearner)
		srv.as(srv.forcedToken(learner, "write", "admin")).with("If-Match", etag).patch(path, map[string]any{"role": "admin"}).want(t, http.StatusForbidden)
		srv.as(tok).with("If-Match", etag).patch("/api/v1/users/999999", map[string]any{"role": "learner"}).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).with("Content-Type", "application/json").patch(path, `{"role": "learner", "email": "x@example.com"}`).want(t, http.StatusBadRequest)
		stored, _ := srv.Models.Users.ByID(context.Background(), target.ID)
		if stored.Role != models.RoleAuthor {
			t.Fatalf("a refused PATCH changed the role to %q", stored.Role)
		}
	})
}

// wantAudit fails t unless the audit log has event on target whose detail
// starts with detail and names the API token.
func (s *server) wantAudit(t *testing.T, event string, target int64, detail string) {
	t.Helper()
	var got []struct {
		Detail string `db:"detail"`
	}
	err := s.DB.Select(context.Background(), &got, `SELECT detail FROM audit_log WHERE event = ? AND target_id = ? ORDER BY id`, event, target)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if strings.HasPrefix(e.Detail, detail) && strings.Contains(e.Detail, "via api token") {
			return
		}
	}
	t.Fatalf("no %s audit entry for user %d with detail %q: %+v", event, target, detail, got)
}

func (s *server) auditTotal(t *testing.T) int {
	t.Helper()
	var n int
	if err := s.DB.Get(context.Background(), &n, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	return n
}
