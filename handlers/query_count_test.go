package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
)

// A page's cost grows with what it shows, not with the database: the step
// page and the guide overview run the same number of queries for a guide
// of 3 steps as for one of 30, whatever the user's progress.
func TestPagesRunAFixedNumberOfQueries(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, n := range []int{3, 30} {
		fs := fstest.MapFS{fmt.Sprintf("g%d/guide.md", n): {Data: []byte(fmt.Sprintf("---\nslug: g%d\ntitle: G%d\n---\nIntro\n", n, n))}}
		for i := 1; i <= n; i++ {
			// Every step has a two-question quiz.
			quiz := "quiz:\n" + strings.Repeat("  - {question: Q, kind: single, choices: [a, b], answers: [0]}\n", 2)
			fs[fmt.Sprintf("g%d/%02d.md", n, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: S%d\n%s---\nBody\n", i, quiz))}
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
		// Attempts at the quizzes of the pages counted below.
		wantStatus(t, c.post("/guides/g30/steps/20/quiz", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
		wantStatus(t, c.post("/guides/g3/steps/2/quiz", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
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
		// step, and the outline with check marks; on the step page also
		// the learner's note (one query, not one per step) and the quiz
		// with the learner's latest attempt (one query, not one per
		// question).
		limit := int64(4)
		if name == "step page" {
			limit += 2
		}
		if large > limit {
			t.Errorf("%s: %d queries, want at most %d", name, large, limit)
		}
	}
	// The session, its user, the catalogue, its tag list, the resume point.
	if n := count("/"); n > 5 {
		t.Errorf("home: %d queries, want at most 5", n)
	}
}
