package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"stepwise/models"
)

// TestListsRunFixedQueries: a page of guides costs the same number of
// queries whether it holds 2 guides or 40 (no query per item).
func TestListsRunFixedQueries(t *testing.T) {
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
