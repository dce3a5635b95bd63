package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/PuerkitoBio/goquery"

	"stepwise/db/dbtest"
)

// loadGuides stores n published guides "cat-1" … "cat-n", each with one
// step whose body holds word, published a day apart in order.
func loadGuides(t *testing.T, srv *server, n int, word string) {
	t.Helper()
	ctx := context.Background()
	fs := fstest.MapFS{}
	for i := 1; i <= n; i++ {
		fs[fmt.Sprintf("cat-%d/guide.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nslug: cat-%d\ntitle: Catalogue guide %d\ndifficulty: intermediate\ntags: [cat, n%d]\n---\nIntro\n", i, i, i))}
		fs[fmt.Sprintf("cat-%d/01-step.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Step of %d\n---\nThis step mentions %s once.\n", i, word))}
	}
	if _, err := srv.Models.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		at := time.Date(2030, 1, i, 0, 0, 0, 0, time.UTC)
		if _, err := srv.DB.Exec(ctx, `UPDATE guides SET published_at = ? WHERE slug = ?`, at, fmt.Sprintf("cat-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	ctx := context.Background()

	// The box alone, then a query with results linking to the exact step.
	empty := c.get("/search")
	wantStatus(t, empty, http.StatusOK)
	if empty.doc(t).Find(`form[action="/search"] input[name="q"]`).Length() < 1 {
		t.Fatal("search page has no search box")
	}
	if strings.Contains(empty.Body, `data-testid="search-results"`) {
		t.Error("results shown without a query")
	}
	if _, err := srv.DB.Exec(ctx, `UPDATE steps SET body_md = body_md || ? WHERE position = 4 AND guide_id = (SELECT id FROM guides WHERE slug = ?)`,
		"\n\nQuokka <script>alert(1)</script> tip.\n", guidesSlug); err != nil {
		t.Fatal(err)
	}
	r := c.get("/search?q=" + url.QueryEscape("quokka"))
	wantStatus(t, r, http.StatusOK)
	hits := r.testid(t, "search-hit")
	if hits.Length() != 1 {
		t.Fatalf("hits for quokka: got %d, want 1", hits.Length())
	}
	if href, _ := hits.Find("h3 a").Attr("href"); href != guidePath+"/steps/4" {
		t.Errorf("hit link: got %q, want step 4", href)
	}
	if got := hits.Find("mark").Text(); !strings.EqualFold(got, "quokka") {
		t.Errorf("highlight: got %q, want Quokka", got)
	}
	if strings.Contains(r.Body, "<script>alert(1)") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)") {
		t.Errorf("the step's <script> text is not escaped in the snippet")
	}

	// Nothing found, and nothing searchable: a friendly message, no error.
	for q, want := range map[string]string{"nothingmatchesthis": "Try fewer words", `AND OR NOT ( zzq`: "Try fewer words", `" * (`: "no words to search for"} {
		r := c.get("/search?q=" + url.QueryEscape(q))
		wantStatus(t, r, http.StatusOK)
		if got := r.testid(t, "search-empty").Text(); !strings.Contains(got, want) {
			t.Errorf("q=%q: empty state %q, want %q in it", q, got, want)
		}
	}

	// Search syntax is only words: "and or not" finds the text with them.
	// (PostgreSQL's English configuration drops them as stop words, so
	// there a word that is not one goes with them.)
	hostile := `AND OR NOT (`
	if dbtest.OnPostgres() {
		hostile = `AND OR NOT ( quokka`
	}
	if r := c.get("/search?q=" + url.QueryEscape(hostile)); r.StatusCode != http.StatusOK || r.testid(t, "search-hit").Length() == 0 {
		t.Errorf("q=%s: status %d, %d hits; want 200 with hits", hostile, r.StatusCode, r.testid(t, "search-hit").Length())
	}

	// A draft's words are not found by anyone but also never leak.
	now := time.Now().UTC()
	if _, err := srv.DB.Exec(ctx, `INSERT INTO guides (slug, title, summary, created_at, updated_at) VALUES ('draft-x', 'Wombat draft', 'wombat', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/search?q=wombat"); r.testid(t, "search-hit").Length() != 0 {
		t.Error("a draft guide appears in search results")
	}
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	loadGuides(t, srv, 25, "pangolin")
	c := srv.client()
	r := c.get("/search?q=pangolin")
	if got := r.testid(t, "search-hit").Length(); got != 20 {
		t.Fatalf("page 1: got %d hits, want 20", got)
	}
	next, ok := r.doc(t).Find(`nav.pager a[rel="next"]`).Attr("href")
	if !ok {
		t.Fatal("no next-page link")
	}
	r2 := c.get(next)
	if got := r2.testid(t, "search-hit").Length(); got != 5 {
		t.Errorf("page 2 (%s): got %d hits, want 5", next, got)
	}
	if r2.doc(t).Find(`nav.pager a[rel="next"]`).Length() != 0 {
		t.Error("page 2 has a next link")
	}
	r3 := c.get("/search?q=pangolin&page=3")
	wantStatus(t, r3, http.StatusOK)
	if got := r3.testid(t, "search-empty").Text(); !strings.Contains(got, "No more results") {
		t.Errorf("page 3: %q", got)
	}
}

func TestHeaderSearchForm(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.client().get(guidePath)
	form := r.doc(t).Find(`header form[action="/search"][method="get"]`)
	if form.Length() != 1 {
		t.Fatal("no search form in the header")
	}
	id, _ := form.Find(`input[name="q"]`).Attr("id")
	if id == "" || form.Find(`label[for="`+id+`"]`).Length() != 1 {
		t.Error("the header search box has no label")
	}
}

func TestCatalogueFiltersAndSort(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	loadGuides(t, srv, 30, "anything")
	c := srv.client()
	cardSlugs := func(path string) []string {
		t.Helper()
		r := c.get(path)
		wantStatus(t, r, http.StatusOK)
		var out []string
		for _, n := range r.testid(t, "guide-card").Find("h3 a").Nodes {
			for _, a := range n.Attr {
				if a.Key == "href" {
					out = append(out, strings.TrimPrefix(a.Val, "/guides/"))
				}
			}
		}
		return out
	}

	// Default: 24 per page, oldest first (the built-in guide, then cat-1…),
	// the next page link keeps the filters.
	first := cardSlugs("/")
	if len(first) != 24 || first[0] != guidesSlug || first[1] != "cat-1" {
		t.Fatalf("home: got %d cards starting %v", len(first), first[:2])
	}
	if got := cardSlugs("/?sort=newest"); len(got) != 24 || got[0] != "cat-30" {
		t.Errorf("newest first: got %v", got[:1])
	}
	r := c.get("/?tag=cat&sort=newest")
	next, _ := r.doc(t).Find(`nav.pager a[rel="next"]`).Attr("href")
	if next != "/?page=2&sort=newest&tag=cat" {
		t.Errorf("next-page link: got %q", next)
	}
	if got := cardSlugs(next); len(got) != 6 || got[5] != "cat-1" {
		t.Errorf("page 2 of tag cat, newest: got %v", got)
	}
	if got := cardSlugs("/?tag=n7"); len(got) != 1 || got[0] != "cat-7" {
		t.Errorf("tag n7: got %v", got)
	}
	if got := cardSlugs("/?difficulty=beginner"); len(got) != 1 || got[0] != guidesSlug {
		t.Errorf("beginner: got %v", got)
	}
	if got := cardSlugs("/?difficulty=intermediate&tag=n3"); len(got) != 1 || got[0] != "cat-3" {
		t.Errorf("intermediate + n3: got %v", got)
	}
	// Nothing matches: the empty state; unknown values: a notice, no error.
	none := c.get("/?difficulty=advanced")
	if none.testid(t, "catalogue-empty").Length() != 1 {
		t.Error("no empty state for a filter matching nothing")
	}
	odd := c.get("/?sort=popular&difficulty=expert")
	wantStatus(t, odd, http.StatusOK)
	if got := odd.testid(t, "catalogue-ignored").Text(); !strings.Contains(got, "difficulty, sort") {
		t.Errorf("notice: got %q", got)
	}
	if sel, _ := r.doc(t).Find(`#filter-sort option[selected]`).Attr("value"); sel != "newest" {
		t.Errorf("selected sort: got %q, want newest", sel)
	}

	// Most followed, from real progress rows: cat-9 has three learners,
	// cat-4 two (one of them with several steps), the built-in guide one.
	progress := map[string][]string{
		"a@example.com": {"cat-9", "cat-4", guidesSlug},
		"b@example.com": {"cat-9", "cat-4"},
		"d@example.com": {"cat-9"},
	}
	for email, guides := range progress {
		lc := srv.client()
		lc.signup(email, "L", "learner glacier orbit tandem")
		tok := lc.csrf("/")
		for _, g := range guides {
			wantStatus(t, lc.post("/guides/"+g+"/steps/1/complete", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
		}
		if email == "a@example.com" {
			wantStatus(t, lc.post(step3+"/complete", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
		}
	}
	followed := cardSlugs("/?sort=followed")
	if len(followed) < 3 || followed[0] != "cat-9" || followed[1] != "cat-4" || followed[2] != guidesSlug {
		t.Errorf("most followed: got %v", followed[:3])
	}
	fr := c.get("/?sort=followed")
	if got := fr.testid(t, "guide-learners").First().Text(); got != "3 learners" {
		t.Errorf("learners on the first card: got %q", got)
	}
	// A guide nobody follows shows no "0 learners" (issue 13).
	fr.doc(t).Find(`[data-testid="guide-card"]`).Each(func(_ int, card *goquery.Selection) {
		if got := card.Find(`[data-testid="guide-learners"]`).Text(); strings.HasPrefix(got, "0 ") {
			t.Errorf("card %q shows %q", card.Find("h3").Text(), got)
		}
	})
	if n := fr.testid(t, "guide-learners").Length(); n < 3 || n >= fr.testid(t, "guide-card").Length() {
		t.Errorf("%d cards of %d show learners, want the followed ones only", n, fr.testid(t, "guide-card").Length())
	}
}

// The home page runs the same number of queries with or without filters
// and sorts, and as many for 30 guides as for 1.
func TestCatalogueQueryCountIsFixed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	c.signup("qc@example.com", "Q", "q1 glacier orbit tandem")
	count := func(path string) int64 {
		before := srv.DB.QueryCount()
		wantStatus(t, c.get(path), http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	base := count("/")
	loadGuides(t, srv, 30, "x")
	for _, p := range []string{"/", "/?tag=cat", "/?tag=cat&difficulty=intermediate&sort=followed", "/?sort=newest&page=2", "/?sort=bogus"} {
		if n := count(p); n != base {
			t.Errorf("%s: %d queries, want %d", p, n, base)
		}
	}
	// Session, user, the list, the tag list, the resume point.
	if base > 5 {
		t.Errorf("home: %d queries, want at most 5", base)
	}
}
