package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Searching from the header box: the results page keeps the query, marks
// the matching words and links to the step; the catalogue's filter form
// narrows and sorts the home page. Both are plain GET forms.
func TestBrowserSearchAndFilter(t *testing.T) {
	t.Parallel()
	_, tb := newBrowserTest(t)

	tb.open(guidePath)
	tb.fill("#header-search-q", "database")
	tb.clickAndLoad(`header form[action="/search"] button[type="submit"]`)
	if p := tb.path(); !strings.HasPrefix(p, "/search?q=database") {
		t.Fatalf("header search led to %s", p)
	}
	if got := tb.value("#search-page-q"); got != "database" {
		t.Errorf("search box on the results page: got %q, want database", got)
	}
	if n := tb.count(`[data-testid="search-hit"]`); n == 0 {
		t.Fatal("no results for database")
	}
	if got := strings.ToLower(tb.text(`[data-testid="search-hit"] mark`)); got != "database" {
		t.Errorf("highlighted word: got %q, want database", got)
	}
	tb.clickAndLoad(`[data-testid="search-hit"] h3 a`)
	if p := tb.path(); !strings.HasPrefix(p, guidePath) {
		t.Errorf("a result led to %s, want a page of the guide", p)
	}

	tb.open("/")
	tb.do("choose a difficulty", chromedp.SetValue(chromedp.CSS("#filter-difficulty"), "advanced"))
	tb.clickAndLoad(`[data-testid="catalogue-filters"] button[type="submit"]`)
	if p := tb.path(); !strings.Contains(p, "difficulty=advanced") {
		t.Errorf("filter form led to %s", p)
	}
	if n := tb.count(`[data-testid="catalogue-empty"]`); n != 1 {
		t.Errorf("no empty state for advanced guides (there are none)")
	}
	tb.noConsoleErrors()
}
