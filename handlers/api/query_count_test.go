package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"stepwise/models"
)

// TestListsRunFixedQueries: a page of guides costs the same number of
// queries whether it holds 2 guides or 40 (no query per item).
func TestListsRunFixedQueries(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	for i := 0; i < 40; i++ {
		makeGuide(t, srv, author, fmt.Sprintf("g-%02d", i), "beginner", "go", true)
	}
	reader := srv.as(srv.token(srv.user(models.RoleLearner), "read"))
	reader.get("/api/v1/me").want(t, http.StatusOK) // the token's first use writes its last-used time

	count := func(path string) int64 {
		before := srv.DB.QueryCount()
		reader.get(path).want(t, http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	small, large := count("/api/v1/guides?limit=2"), count("/api/v1/guides?limit=40")
	if small != large {
		t.Fatalf("a page of 2 guides ran %d queries, a page of 40 ran %d", small, large)
	}
	// Token, owner, rate count, the page: four.
	if large > 4 {
		t.Errorf("a page of guides ran %d queries, want at most 4", large)
	}
}

// TestOtherListsRunFixedQueries: steps, progress, notes and users cost
// the same whether there are a few or many (no query per item).
func TestOtherListsRunFixedQueries(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	admin := srv.user(models.RoleAdmin)
	makeGuide(t, srv, author, "short", "beginner", "", true)
	long := makeGuide(t, srv, author, "long", "beginner", "", true)
	ctx := context.Background()
	for i := 0; i < 29; i++ {
		if _, err := srv.Models.Authoring.AddStep(ctx, long, fmt.Sprintf("Step %d", i+2)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 30; i++ {
		srv.user(models.RoleLearner)
	}
	as := srv.as(srv.token(admin, "read", "write", "admin"))
	as.get("/api/v1/me").want(t, http.StatusOK) // the token's first use writes its last-used time
	for _, n := range []int{1, 5, 9, 20} {
		as.put(fmt.Sprintf("/api/v1/guides/long/steps/%d/completion", n), nil).want(t, http.StatusOK)
		as.put(fmt.Sprintf("/api/v1/guides/long/steps/%d/note", n), map[string]any{"body": "A note."}).want(t, http.StatusCreated)
	}
	as.put("/api/v1/guides/short/steps/1/note", map[string]any{"body": "A note."}).want(t, http.StatusCreated)

	count := func(path string) int64 {
		t.Helper()
		before := srv.DB.QueryCount()
		as.get(path).want(t, http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	for _, pair := range [][2]string{
		{"/api/v1/guides/short/steps", "/api/v1/guides/long/steps?limit=30"},
		{"/api/v1/guides/short/progress", "/api/v1/guides/long/progress"},
		{"/api/v1/notes?limit=1", "/api/v1/notes?limit=5"},
		{"/api/v1/users?limit=2", "/api/v1/users?limit=30"},
	} {
		if a, b := count(pair[0]), count(pair[1]); a != b {
			t.Errorf("%s ran %d queries, %s ran %d", pair[0], a, pair[1], b)
		}
	}

	// Completing a step that is done already writes nothing and costs
	// fewer queries than completing it did.
	put := func() int64 {
		before := srv.DB.QueryCount()
		as.put("/api/v1/guides/long/steps/30/completion", nil).want(t, http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	first, again := put(), put()
	if again >= first {
		t.Errorf("completing a done step ran %d queries, completing it the first time %d", again, first)
	}
}
