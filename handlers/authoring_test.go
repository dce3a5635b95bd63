package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"stepwise/models"
)

// newAuthor signs up a user with role and returns their client.
func newAuthor(t *testing.T, srv *server, email, role string) *client {
	t.Helper()
	c := srv.client()
	c.signup(email, strings.SplitN(email, "@", 2)[0], email+" glacier orbit tandem")
	if role != models.RoleLearner {
		if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, email).ID, role); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// postForm posts form with the CSRF token from page.
func (c *client) postForm(page, path string, form url.Values, headers ...string) *response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", c.csrf(page))
	return c.post(path, form, headers...)
}

// createGuide creates a draft through the form and returns its slug.
func createGuide(t *testing.T, c *client, title string, steps ...string) string {
	t.Helper()
	r := c.postForm("/author/guides/new", "/author/guides/new", url.Values{
		"title": {title}, "summary": {"A summary"}, "difficulty": {"beginner"}, "minutes": {"15"}, "tags": {"go, web"},
		"intro": {"Welcome *here*."},
	})
	wantStatus(t, r, http.StatusSeeOther)
	slug := models.Slugify(title)
	if want := "/author/guides/" + slug + "?done=created"; r.Header.Get("Location") != want {
		t.Fatalf("create: got Location %q, want %q", r.Header.Get("Location"), want)
	}
	for _, s := range steps {
		r := c.postForm("/author", "/author/guides/"+slug+"/steps", url.Values{"step_title": {s}})
		wantStatus(t, r, http.StatusSeeOther)
	}
	return slug
}

// stepVersion reads the version the editor of step n starts from.
func stepVersion(t *testing.T, c *client, slug, n string) string {
	t.Helper()
	r := c.get("/author/guides/" + slug + "/steps/" + n)
	wantStatus(t, r, http.StatusOK)
	v, ok := r.doc(t).Find(`#step-version`).Attr("value")
	if !ok {
		t.Fatalf("no version on the editor of step %s", n)
	}
	return v
}

func saveStep(c *client, slug, n, version, title, body string, headers ...string) *response {
	path := "/author/guides/" + slug + "/steps/" + n
	if len(headers) > 0 {
		path += "/autosave"
	}
	return c.postForm("/", path, url.Values{"version": {version}, "title": {title}, "body": {body}}, headers...)
}

func publish(t *testing.T, c *client, slug string) {
	t.Helper()
	wantStatus(t, c.postForm("/author", "/author/guides/"+slug+"/publish", nil), http.StatusSeeOther)
}

// stepTitles reads a guide's steps in order from the database.
func stepTitles(t *testing.T, srv *server, slug string) []string {
	t.Helper()
	var titles []string
	var positions []int
	err := srv.DB.Select(context.Background(), &titles, `
		SELECT s.title FROM steps s JOIN guides g ON g.id = s.guide_id WHERE g.slug = ? ORDER BY s.position`, slug)
	if err == nil {
		err = srv.DB.Select(context.Background(), &positions, `
			SELECT s.position FROM steps s JOIN guides g ON g.id = s.guide_id WHERE g.slug = ? ORDER BY s.position`, slug)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("positions %v are not 1..%d", positions, len(positions))
		}
	}
	return titles
}

func TestAuthoringCreateEditPublish(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	other := newAuthor(t, srv, "other@example.com", models.RoleAuthor)
	learner := newAuthor(t, srv, "learner@example.com", models.RoleLearner)
	admin := newAuthor(t, srv, "admin@example.com", models.RoleAdmin)
	visitor := srv.client()

	// The header offers the dashboard to authors only.
	if author.get("/").testid(t, "nav-author").Length() != 1 || learner.get("/").testid(t, "nav-author").Length() != 0 {
		t.Errorf("the Author link should show for authors only")
	}
	wantStatus(t, learner.get("/author"), http.StatusForbidden)
	wantStatus(t, learner.get("/author/guides/new"), http.StatusForbidden)
	wantStatus(t, learner.post("/author/guides/new", url.Values{"csrf_token": {learner.csrf("/")}, "title": {"Mine"}}), http.StatusForbidden)

	// Invalid input comes back with the field errors and the input kept.
	r := author.postForm("/author/guides/new", "/author/guides/new", url.Values{"title": {""}, "slug": {"Bad Slug!"}, "difficulty": {"expert"}, "minutes": {"-3"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, f := range []string{"title", "slug", "difficulty", "minutes"} {
		if r.testid(t, f+"-error").Length() != 1 {
			t.Errorf("no %s error on an invalid new guide", f)
		}
	}

	slug := createGuide(t, author, "Writing Go Services", "Install Go", "Hello, HTTP")
	if slug != "writing-go-services" {
		t.Fatalf("slug from the title: got %q", slug)
	}
	dash := author.get("/author")
	wantStatus(t, dash, http.StatusOK)
	if got := dash.testid(t, "author-guide").Text(); !strings.Contains(got, "Writing Go Services") || !strings.Contains(got, "Draft") {
		t.Errorf("dashboard: got %q, want the draft listed", got)
	}
	settings := author.get("/author/guides/" + slug)
	if v, _ := settings.doc(t).Find(`input[name="tags"]`).Attr("value"); v != "go, web" {
		t.Errorf("tags: got %q, want %q", v, "go, web")
	}

	// A draft is invisible to everyone but its authors and admins.
	for name, c := range map[string]*client{"visitor": visitor, "learner": learner, "other author": other} {
		if r := c.get("/guides/" + slug); r.StatusCode != http.StatusNotFound {
			t.Errorf("draft overview as %s: got %d, want 404", name, r.StatusCode)
		}
		if name == "visitor" {
			continue
		}
		for _, p := range []string{"", "/steps/1", "/preview/steps/1", "/steps/1/revisions"} {
			if r := c.get("/author/guides/" + slug + p); r.StatusCode != http.StatusNotFound {
				t.Errorf("draft editor %s as %s: got %d, want 404", p, name, r.StatusCode)
			}
		}
		if r := saveStep(c, slug, "1", "1", "Hijack", "x"); r.StatusCode != http.StatusNotFound {
			t.Errorf("saving a draft's step as %s: got %d, want 404", name, r.StatusCode)
		}
	}
	wantStatus(t, admin.get("/author/guides/"+slug+"/steps/1"), http.StatusOK)

	// Edit a step; the preview is the sanitized rendering.
	v := stepVersion(t, author, slug, "1")
	wantStatus(t, saveStep(author, slug, "1", v, "Install Go", "# Install\n\nRun `go version`.\n\n<script>alert(1)</script>"), http.StatusSeeOther)
	prev := author.postForm("/author", "/author/guides/"+slug+"/preview", url.Values{"body": {"**bold** <script>alert(1)</script> [x](javascript:alert(1))"}}, "HX-Request", "true")
	wantStatus(t, prev, http.StatusOK)
	if !strings.Contains(prev.Body, "<strong>bold</strong>") || strings.Contains(prev.Body, "<script") || strings.Contains(prev.Body, "javascript:") {
		t.Errorf("preview not rendered and sanitized: %s", prev.Body)
	}
	wantStatus(t, learner.postForm("/", "/author/guides/"+slug+"/preview", url.Values{"body": {"x"}}), http.StatusNotFound)
	pv := author.get("/author/guides/" + slug + "/preview/steps/1")
	wantStatus(t, pv, http.StatusOK)
	if body, _ := pv.testid(t, "step-body").Html(); !strings.Contains(body, "<code>go version</code>") || strings.Contains(body, "<script") {
		t.Errorf("preview page body: %s", body)
	}

	// Publish: learners see it; only editors may change it (403 now).
	publish(t, author, slug)
	ov := visitor.get("/guides/" + slug)
	wantStatus(t, ov, http.StatusOK)
	if !strings.Contains(ov.Body, "Welcome <em>here</em>.") {
		t.Errorf("overview lacks the rendered introduction")
	}
	if got := visitor.get("/guides/"+slug+"/steps/1").testid(t, "step-title").Text(); got != "Install Go" {
		t.Errorf("published step title: got %q", got)
	}
	wantStatus(t, learner.get("/author/guides/"+slug), http.StatusForbidden)
	wantStatus(t, other.get("/author/guides/"+slug+"/steps/1"), http.StatusForbidden)
	wantStatus(t, saveStep(other, slug, "1", "9", "Hijack", "x"), http.StatusForbidden)
	wantStatus(t, learner.postForm("/", "/author/guides/"+slug+"/unpublish", nil), http.StatusForbidden)
	wantStatus(t, visitor.get("/author/guides/"+slug), http.StatusSeeOther)
	wantStatus(t, admin.get("/author/guides/"+slug), http.StatusOK)

	// Unpublish: a draft again.
	wantStatus(t, author.postForm("/author", "/author/guides/"+slug+"/unpublish", nil), http.StatusSeeOther)
	wantStatus(t, visitor.get("/guides/"+slug), http.StatusNotFound)
}

func TestAuthoringSlugRules(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	visitor := srv.client()
	slug := createGuide(t, author, "First Title", "One")

	// Taken slug (the built-in guide's: a conflict, 409 as in the API)
	// and reserved words (invalid, 422) are refused.
	form := func(s string) url.Values {
		return url.Values{"title": {"First Title"}, "slug": {s}, "difficulty": {"beginner"}, "version": {"1"}}
	}
	for _, bad := range []string{guidesSlug, "new", "UPPER", "a--b", strings.Repeat("a", 81)} {
		want := http.StatusUnprocessableEntity
		if bad == guidesSlug {
			want = http.StatusConflict
		}
		r := author.postForm("/author/guides/"+slug, "/author/guides/"+slug, form(bad))
		if r.StatusCode != want || r.testid(t, "slug-error").Length() != 1 {
			t.Errorf("slug %q: got %d, want %d with a slug error", bad, r.StatusCode, want)
		}
	}
	// While a draft the slug may change; the old one then redirects.
	r := author.postForm("/author/guides/"+slug, "/author/guides/"+slug, form("second-title"))
	wantStatus(t, r, http.StatusSeeOther)
	publish(t, author, "second-title")
	r = visitor.get("/guides/first-title")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/guides/second-title" {
		t.Errorf("old slug: got %d to %q, want 301 to /guides/second-title", r.StatusCode, r.Header.Get("Location"))
	}
	r = visitor.get("/guides/first-title/steps/1")
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/guides/second-title/steps/1" {
		t.Errorf("old slug step: got %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Once published the slug stays.
	f := form("third-title")
	f.Set("version", "3")
	r = author.postForm("/author/guides/second-title", "/author/guides/second-title", f)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.testid(t, "slug-error").Text(), "published guide keeps its address") {
		t.Errorf("published slug change: got %q", r.testid(t, "slug-error").Text())
	}
	// A stale settings save is a conflict that keeps the input.
	f = form("second-title")
	f.Set("title", "Stale title")
	r = author.postForm("/author/guides/second-title", "/author/guides/second-title", f)
	wantStatus(t, r, http.StatusConflict)
	if v, _ := r.doc(t).Find(`input[name="title"]`).Attr("value"); v != "Stale title" {
		t.Errorf("conflict lost the input: %q", v)
	}
}

func TestAuthoringDeleteAndReorder(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	learner := newAuthor(t, srv, "learner@example.com", models.RoleLearner)
	slug := createGuide(t, author, "Order Matters", "A", "B", "C", "D")
	base := "/author/guides/" + slug + "/steps/"

	// htmx: the step list comes back in the new order.
	r := author.postForm("/author", base+"3/move?dir=up", nil, "HX-Request", "true")
	wantStatus(t, r, http.StatusOK)
	var got []string
	r.doc(t).Find(`[data-testid="author-step-title"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	if strings.Join(got, "") != "ACBD" {
		t.Errorf("htmx move: list %v, want A C B D", got)
	}
	// Plain form: a redirect to the settings page.
	wantStatus(t, author.postForm("/author", base+"1/move?dir=down", nil), http.StatusSeeOther)
	// At the ends nothing moves; a bad direction is refused.
	wantStatus(t, author.postForm("/author", base+"1/move?dir=up", nil), http.StatusSeeOther)
	wantStatus(t, author.postForm("/author", base+"4/move?dir=down", nil), http.StatusSeeOther)
	wantStatus(t, author.postForm("/author", base+"2/move?dir=sideways", nil), http.StatusBadRequest)
	wantStatus(t, author.postForm("/author", base+"9/move?dir=up", nil), http.StatusNotFound)
	if titles := strings.Join(stepTitles(t, srv, slug), ""); titles != "CABD" {
		t.Errorf("after moves: %s, want CABD", titles)
	}

	// Drag and drop moves to a position (CABD → ABDC, then back).
	wantStatus(t, author.postForm("/author", base+"1/move?to=4", nil, "HX-Request", "true"), http.StatusOK)
	if titles := strings.Join(stepTitles(t, srv, slug), ""); titles != "ABDC" {
		t.Errorf("after moving 1 to 4: %s, want ABDC", titles)
	}
	wantStatus(t, author.postForm("/author", base+"4/move?to=1", nil), http.StatusSeeOther)
	wantStatus(t, author.postForm("/author", base+"1/move?to=x", nil), http.StatusBadRequest)
	wantStatus(t, learner.postForm("/", base+"1/move?to=2", nil), http.StatusNotFound)
	if titles := strings.Join(stepTitles(t, srv, slug), ""); titles != "CABD" {
		t.Errorf("after moving 4 to 1: %s, want CABD", titles)
	}

	// Delete asks first, then renumbers.
	confirm := author.get(base + "2/delete")
	wantStatus(t, confirm, http.StatusOK)
	if cls, _ := confirm.testid(t, "confirm-delete").Attr("class"); !strings.Contains(cls, "button--danger") {
		t.Errorf("the delete button is %q, want a danger button like every destructive action", cls)
	}
	if !strings.Contains(confirm.Body, "A") || confirm.testid(t, "confirm-delete").Length() != 1 {
		t.Errorf("no confirmation page")
	}
	wantStatus(t, learner.postForm("/", base+"2/delete", nil), http.StatusNotFound)
	wantStatus(t, author.postForm("/author", base+"2/delete", nil), http.StatusSeeOther)
	if titles := strings.Join(stepTitles(t, srv, slug), ""); titles != "CBD" {
		t.Errorf("after delete: %s, want CBD", titles)
	}
	wantStatus(t, author.postForm("/author", base+"1/delete", nil), http.StatusSeeOther)
	if titles := strings.Join(stepTitles(t, srv, slug), ""); titles != "BD" {
		t.Errorf("after deleting the first: %s, want BD", titles)
	}
	wantStatus(t, author.postForm("/author", base+"3/delete", nil), http.StatusNotFound)
}

func TestAuthoringConflictAndAutosave(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	co := newAuthor(t, srv, "co@example.com", models.RoleAuthor)
	slug := createGuide(t, author, "Shared Guide", "Intro")
	wantStatus(t, author.postForm("/author", "/author/guides/"+slug+"/authors", url.Values{"email": {"co@example.com"}}), http.StatusSeeOther)

	// Both open the editor at the same version.
	v1 := stepVersion(t, author, slug, "1")
	v2 := stepVersion(t, co, slug, "1")
	if v1 != v2 {
		t.Fatalf("versions differ: %s, %s", v1, v2)
	}
	wantStatus(t, saveStep(author, slug, "1", v1, "Intro", "Author's text"), http.StatusSeeOther)
	r := saveStep(co, slug, "1", v2, "Intro", "Co-author's text")
	wantStatus(t, r, http.StatusConflict)
	if r.testid(t, "conflict").Length() != 1 ||
		r.testid(t, "conflict-mine-body").Text() != "Co-author's text" ||
		r.testid(t, "conflict-theirs-body").Text() != "Author's text" {
		t.Fatalf("conflict view lacks both texts: %.2000s", r.Body)
	}
	// Keep mine: the form carries the current version.
	cur, _ := r.doc(t).Find(`[data-testid="conflict-mine"] input[name="version"]`).Attr("value")
	wantStatus(t, saveStep(co, slug, "1", cur, "Intro", "Co-author's text"), http.StatusSeeOther)

	// Autosave: "Saved" with the new version out of band.
	v := stepVersion(t, author, slug, "1")
	r = saveStep(author, slug, "1", v, "Intro", "Autosaved text", "HX-Request", "true")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "autosave-message").Text() != "Saved" {
		t.Errorf("autosave: got %q", r.Body)
	}
	next, _ := r.doc(t).Find(`#step-version[hx-swap-oob]`).Attr("value")
	if next == "" || next == v {
		t.Errorf("autosave: no new version (got %q after %q)", next, v)
	}
	if got := stepVersion(t, author, slug, "1"); got != next {
		t.Errorf("stored version %s, autosave said %s", got, next)
	}
	// A stale or invalid autosave says so and saves nothing.
	r = saveStep(co, slug, "1", v, "Intro", "Older text", "HX-Request", "true")
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.Body, "Not saved") {
		t.Errorf("stale autosave: %s", r.Body)
	}
	r = saveStep(author, slug, "1", next, "", "No title", "HX-Request", "true")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Not saved") || !strings.Contains(r.Body, "Your text is kept") {
		t.Errorf("invalid autosave: %s", r.Body)
	}
	var body string
	if err := srv.DB.Get(context.Background(), &body, `SELECT body_md FROM steps s JOIN guides g ON g.id = s.guide_id WHERE g.slug = ?`, slug); err != nil {
		t.Fatal(err)
	}
	if body != "Autosaved text" {
		t.Errorf("stored body %q, want the autosaved text", body)
	}
}

func TestAuthoringRevisions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	other := newAuthor(t, srv, "other@example.com", models.RoleAuthor)
	slug := createGuide(t, author, "Revised Guide", "Step")
	base := "/author/guides/" + slug + "/steps/1"
	// Drafts keep no revisions.
	wantStatus(t, saveStep(author, slug, "1", stepVersion(t, author, slug, "1"), "Step", "draft\n"), http.StatusSeeOther)
	publish(t, author, slug)
	wantStatus(t, saveStep(author, slug, "1", stepVersion(t, author, slug, "1"), "Step", "one\ntwo\nthree\n"), http.StatusSeeOther)
	// Autosaves in a row share one revision; the next full save adds one.
	for _, text := range []string{"auto 1\n", "auto 2\n"} {
		wantStatus(t, saveStep(author, slug, "1", stepVersion(t, author, slug, "1"), "Step", text, "HX-Request", "true"), http.StatusOK)
	}
	if n := author.get(base+"/revisions").testid(t, "revision").Length(); n != 2 {
		t.Errorf("after two autosaves: %d revisions, want 2", n)
	}
	wantStatus(t, saveStep(author, slug, "1", stepVersion(t, author, slug, "1"), "Step", "one\n2\nthree\nfour\n"), http.StatusSeeOther)

	r := author.get(base + "/revisions")
	wantStatus(t, r, http.StatusOK)
	revs := r.testid(t, "revision")
	if revs.Length() != 3 || !strings.Contains(revs.First().Text(), "author") {
		t.Fatalf("revisions: got %d rows: %s", revs.Length(), revs.Text())
	}
	ids := r.doc(t).Find(`input[name="b"]`).Map(func(_ int, s *goquery.Selection) string { v, _ := s.Attr("value"); return v })
	d := author.get(base + "/revisions/diff?" + url.Values{"a": {ids[2]}, "b": {ids[0]}}.Encode())
	wantStatus(t, d, http.StatusOK)
	if d.testid(t, "diff-del").Text() != "- two" || !strings.Contains(d.testid(t, "diff-add").Text(), "+ four") {
		t.Errorf("diff: del %q add %q", d.testid(t, "diff-del").Text(), d.testid(t, "diff-add").Text())
	}
	wantStatus(t, author.get(base+"/revisions/diff?a=x&b=1"), http.StatusBadRequest)
	wantStatus(t, other.get(base+"/revisions"), http.StatusForbidden)
	wantStatus(t, other.postForm("/author", base+"/revisions/"+ids[2]+"/restore", nil), http.StatusForbidden)

	// Restore the older one: itself a new revision.
	wantStatus(t, author.postForm("/author", base+"/revisions/"+ids[2]+"/restore", nil), http.StatusSeeOther)
	r = author.get(base + "/revisions")
	if n := r.testid(t, "revision").Length(); n != 4 {
		t.Errorf("after restore: %d revisions, want 4", n)
	}
	var body string
	if err := srv.DB.Get(context.Background(), &body, `SELECT body_md FROM steps s JOIN guides g ON g.id = s.guide_id WHERE g.slug = ?`, slug); err != nil {
		t.Fatal(err)
	}
	if body != "one\ntwo\nthree\n" {
		t.Errorf("restored body %q", body)
	}
	wantStatus(t, author.postForm("/author", base+"/revisions/999999/restore", nil), http.StatusNotFound)
}

func TestAuthoringCoAuthors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := newAuthor(t, srv, "owner@example.com", models.RoleAuthor)
	co := newAuthor(t, srv, "co@example.com", models.RoleLearner) // co-authors need not be authors
	slug := createGuide(t, owner, "Team Guide", "Start")
	settings := "/author/guides/" + slug

	r := owner.postForm(settings, settings+"/authors", url.Values{"email": {"nobody@example.com"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.testid(t, "email-error").Text() != "There is no account with that email." {
		t.Errorf("unknown email: %q", r.testid(t, "email-error").Text())
	}
	wantStatus(t, co.get(settings), http.StatusNotFound)
	wantStatus(t, owner.postForm(settings, settings+"/authors", url.Values{"email": {"CO@example.com"}}), http.StatusSeeOther)
	if got := owner.get(settings).testid(t, "co-author").Text(); !strings.Contains(got, "co@example.com") {
		t.Errorf("co-authors: %q", got)
	}

	// The co-author edits, sees it on their dashboard, but cannot manage authors.
	wantStatus(t, co.get(settings+"/steps/1"), http.StatusOK)
	wantStatus(t, saveStep(co, slug, "1", stepVersion(t, co, slug, "1"), "Start", "By the co-author"), http.StatusSeeOther)
	if got := co.get("/author").testid(t, "author-guide").Text(); !strings.Contains(got, "Co-author") {
		t.Errorf("co-author's dashboard: %q", got)
	}
	// An admin sees every guide, each with the admin's own part in it
	// (issue 13: it said "Co-author" on every guide).
	admin := newAdmin(t, srv, "root@example.com")
	createGuide(t, admin, "Admin's Own", "Start")
	roles := map[string]string{}
	admin.get("/author").doc(t).Find(`[data-testid="author-guide"]`).Each(func(_ int, row *goquery.Selection) {
		roles[strings.TrimSpace(row.Find("a").First().Text())] = strings.Join(strings.Fields(row.Find(`[data-testid="author-guide-role"]`).Text()), " ")
	})
	for title, want := range map[string]string{
		"Team Guide":                            "Admin access (owner: owner)",
		"Admin's Own":                           "Owner",
		"Backend web development, step by step": "Admin access (built-in guide)",
	} {
		if roles[title] != want {
			t.Errorf("admin's dashboard, %s: role %q, want %q (all: %v)", title, roles[title], want, roles)
		}
	}
	wantStatus(t, co.postForm(settings, settings+"/authors", url.Values{"email": {"owner@example.com"}}), http.StatusForbidden)
	coID := mustUser(t, srv, "co@example.com").ID
	wantStatus(t, co.postForm(settings, settings+"/authors/"+itoa(coID)+"/remove", nil), http.StatusForbidden)

	// Removed: the draft is gone for them.
	wantStatus(t, owner.postForm(settings, settings+"/authors/"+itoa(coID)+"/remove", nil), http.StatusSeeOther)
	wantStatus(t, co.get(settings+"/steps/1"), http.StatusNotFound)
	wantStatus(t, saveStep(co, slug, "1", "9", "Start", "x"), http.StatusNotFound)
	wantStatus(t, co.get("/author"), http.StatusForbidden)
}

// A refused "New step" keeps the typed title so the author can fix it.
func TestAuthoringAddStepRefusedKeepsTitle(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := newAuthor(t, srv, "author@example.com", models.RoleAuthor)
	slug := createGuide(t, author, "Kept Titles", "Start")
	settings := "/author/guides/" + slug

	long := strings.Repeat("x", models.StepTitleMaxLen+1)
	r := author.postForm(settings, settings+"/steps", url.Values{"step_title": {long}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got, _ := r.doc(t).Find(`#step_title`).Attr("value"); got != long {
		t.Errorf("refused add kept title %q, want the typed one", got)
	}
	if r.testid(t, "step_title-error").Text() == "" {
		t.Errorf("refused add shows no error")
	}
	if got := stepTitles(t, srv, slug); len(got) != 1 {
		t.Errorf("steps after a refused add: %v", got)
	}
}

// The editor's pages run the same number of queries for a guide of 3 steps
// as for one of 30.
func TestAuthoringPagesRunAFixedNumberOfQueries(t *testing.T) {
	t.Parallel()
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
	admin := newAuthor(t, srv, "admin@example.com", models.RoleAdmin)
	count := func(path string) int64 {
		before := srv.DB.QueryCount()
		wantStatus(t, admin.get(path), http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	for name, rest := range map[string]string{"settings": "", "step editor": "/steps/2", "preview": "/preview/steps/2", "revisions": "/steps/2/revisions"} {
		small, large := count("/author/guides/g3"+rest), count("/author/guides/g30"+rest)
		if small != large {
			t.Errorf("%s: %d queries for 3 steps, %d for 30", name, small, large)
		}
		// The session and its user, then at most six of the page's own.
		if large > 8 {
			t.Errorf("%s: %d queries, want at most 8", name, large)
		}
	}
}
