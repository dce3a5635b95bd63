package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"testing/fstest"
)

// A page's cost grows with what it shows, not with the database: the step
// page and the guide overview run the same number of queries for a guide
// of 3 steps as for one of 30, whatever the user's progress.
func TestPagesRunAFixedNumberOfQueries(t *testing.T) {
	srv := newServer(t)
	for _, n := range []int{3, 30} {
		fs := fstest.MapFS{fmt.Sprintf("g%d/guide.md", n): {Data: []byte(fmt.Sprintf("---\nslug: g%d\ntitle: G%d\n---\nIntro\n", n, n))}}
		for i := 1; i <= n; i++ {
			fs[fmt.Sprintf("g%d/%02d.md", n, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: S%d\n---\nBody\n", i))}
		}
		if _, err := srv.Models.Guides.LoadBuiltinGuides(context.Background(), fs); err != nil {
			t.Fatal(err)
		}
	}
	c := srv.client()
	c.signup("q@example.com", "Q", "q1 glacier orbit tandem")
	tok := c.csrf("/")
	for i := 1; i <= 3; i++ {
		c.post(fmt.Sprintf("/guides/g30/steps/%d/complete", i), url.Values{"csrf_token": {tok}})
		c.post(fmt.Sprintf("/guides/g3/steps/%d/complete", i), url.Values{"csrf_token": {tok}})
	}

	count := func(path string) int64 {
		before := srv.DB.QueryCount()
		wantStatus(t, c.get(path), http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	pages := map[string][2]string{
		"step page": {"/guides/g3/steps/2", "/guides/g30/steps/20"},
		"overview":  {"/guides/g3", "/guides/g30"},
	}
	for name, p := range pages {
		small, large := count(p[0]), count(p[1])
		if small != large {
			t.Errorf("%s: %d queries for 3 steps, %d for 30", name, small, large)
		}
		// The session, its user, then the page's own: the guide with its
		// step, and the outline with check marks.
		if large > 4 {
			t.Errorf("%s: %d queries, want at most 4", name, large)
		}
	}
	if n := count("/"); n > 4 {
		t.Errorf("home: %d queries, want at most 4", n)
	}
}
