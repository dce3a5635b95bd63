package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"stepwise/models"
)

// stepsStepView is a step as GET, POST and PATCH on steps answer it.
type stepsStepView struct {
	ID           int64   `json:"id"`
	Guide        string  `json:"guide"`
	Number       int     `json:"number"`
	Title        string  `json:"title"`
	BodyHTML     string  `json:"body_html"`
	BodyMarkdown *string `json:"body_markdown"`
	Version      *int    `json:"version"`
	URL          string  `json:"url"`
}

// stepsListView is a page of GET .../steps, or the answer to a move.
type stepsListView struct {
	Items []struct {
		ID     int64  `json:"id"`
		Number int    `json:"number"`
		Title  string `json:"title"`
		URL    string `json:"url"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// stepsFixture is a draft guide made through the API by a new author,
// Owner, whose read+write token is Tok. Path is its steps' collection.
type stepsFixture struct {
	srv   *server
	Owner models.User
	Tok   string
	Slug  string
	Path  string
}

// newStepsFixture creates the guide and adds a step per title, each with
// the body stepsBody(title).
func newStepsFixture(t *testing.T, srv *server, titles ...string) *stepsFixture {
	t.Helper()
	owner := srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := draft(t, srv, tok, fmt.Sprintf("Steps lab %d", srv.users))
	f := &stepsFixture{srv: srv, Owner: owner, Tok: tok, Slug: slug, Path: "/api/v1/guides/" + slug + "/steps"}
	for _, title := range titles {
		srv.as(tok).post(f.Path, map[string]any{"title": title, "body_markdown": stepsBody(title)}).want(t, http.StatusCreated)
	}
	return f
}

// stepsBody is the Markdown the fixture gives the step titled title.
func stepsBody(title string) string { return "Text of **" + title + "**." }

// step is the path of step n.
func (f *stepsFixture) step(n any) string { return fmt.Sprint(f.Path, "/", n) }

// show returns step n as the owner sees it, and its ETag.
func (f *stepsFixture) show(t *testing.T, n int) (stepsStepView, string) {
	t.Helper()
	var s stepsStepView
	r := f.srv.as(f.Tok).get(f.step(n)).want(t, http.StatusOK)
	r.JSON(t, &s)
	return s, r.Header.Get("ETag")
}

// titles lists the guide's step titles in order, checking that the
// steps are numbered 1..count with matching URLs.
func (f *stepsFixture) titles(t *testing.T) []string {
	t.Helper()
	var l stepsListView
	f.srv.as(f.Tok).get(f.Path+"?limit=100").want(t, http.StatusOK).JSON(t, &l)
	return stepsCheckList(t, f.Slug, l)
}

// publish publishes the guide through the API.
func (f *stepsFixture) publish(t *testing.T) {
	t.Helper()
	f.srv.as(f.Tok).post("/api/v1/guides/"+f.Slug+"/publish", nil).want(t, http.StatusOK)
}

// record is the guide as the model has it.
func (f *stepsFixture) record(t *testing.T) models.GuideRecord {
	t.Helper()
	r, err := f.srv.Models.Guides.Record(context.Background(), f.Slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// stepsCheckList returns the titles of a list of steps of the guide with
// slug, failing t unless the items are numbered 1.. in order with their
// URLs.
func stepsCheckList(t *testing.T, slug string, l stepsListView) []string {
	t.Helper()
	var titles []string
	for i, s := range l.Items {
		if s.Number != i+1 || s.URL != fmt.Sprintf("/guides/%s/steps/%d", slug, i+1) || s.ID == 0 {
			t.Errorf("item %d = %+v, want number %d and its URL", i, s, i+1)
		}
		titles = append(titles, s.Title)
	}
	return titles
}

// stepsKeys is the object's keys, sorted and joined by commas.
func stepsKeys(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

const (
	stepsEditorKeys  = "body_html,body_markdown,guide,id,number,title,url,version"
	stepsLearnerKeys = "body_html,guide,id,number,title,url"
)

func TestStepsList(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv)
	learner := srv.token(srv.user(models.RoleLearner), "read")

	t.Run("none yet", func(t *testing.T) {
		var l stepsListView
		r := srv.as(f.Tok).get(f.Path).want(t, http.StatusOK)
		r.JSON(t, &l)
		if l.Items == nil || len(l.Items) != 0 || l.NextCursor != nil {
			t.Fatalf("empty guide lists %s", r.Body)
		}
	})
	for _, title := range []string{"Install Go", "Write main.go", "Run it"} {
		srv.as(f.Tok).post(f.Path, map[string]any{"title": title, "body_markdown": stepsBody(title)}).want(t, http.StatusCreated)
	}
	t.Run("in order, without bodies", func(t *testing.T) {
		r := srv.as(f.Tok).get(f.Path).want(t, http.StatusOK)
		var l stepsListView
		r.JSON(t, &l)
		if got := strings.Join(stepsCheckList(t, f.Slug, l), "|"); got != "Install Go|Write main.go|Run it" {
			t.Fatalf("titles %q, want Install Go|Write main.go|Run it", got)
		}
		var raw struct{ Items []map[string]any }
		r.JSON(t, &raw)
		for _, item := range raw.Items {
			if got := stepsKeys(item); got != "id,number,title,url" {
				t.Errorf("an item has fields %s, want id,number,title,url", got)
			}
		}
		seen := map[int64]bool{}
		for _, s := range l.Items {
			if seen[s.ID] {
				t.Errorf("id %d listed twice", s.ID)
			}
			seen[s.ID] = true
		}
	})
	t.Run("pages", func(t *testing.T) {
		var first, second stepsListView
		r := srv.as(f.Tok).get(f.Path+"?limit=2").want(t, http.StatusOK)
		r.JSON(t, &first)
		if len(first.Items) != 2 || first.NextCursor == nil || first.Items[1].Number != 2 {
			t.Fatalf("first page %s", r.Body)
		}
		if link := r.Header.Get("Link"); !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "limit=2") {
			t.Errorf("Link = %q", link)
		}
		r = srv.as(f.Tok).get(f.Path+"?limit=2&cursor="+*first.NextCursor).want(t, http.StatusOK)
		r.JSON(t, &second)
		if len(second.Items) != 1 || second.Items[0].Number != 3 || second.Items[0].Title != "Run it" || second.NextCursor != nil {
			t.Fatalf("second page %s", r.Body)
		}
		if link := r.Header.Get("Link"); link != "" {
			t.Errorf("last page has Link %q", link)
		}
		var exact stepsListView
		srv.as(f.Tok).get(f.Path+"?limit=3").want(t, http.StatusOK).JSON(t, &exact)
		if len(exact.Items) != 3 || exact.NextCursor != nil {
			t.Errorf("limit equal to the count: %d items, cursor %v", len(exact.Items), exact.NextCursor)
		}
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=bogus"} {
			p := srv.as(f.Tok).get(f.Path+"?"+q).want(t, http.StatusBadRequest).Problem(t)
			if want, _, _ := strings.Cut(q, "="); !namesField(p.Errors, want) {
				t.Errorf("?%s: errors %+v, want %s named", q, p.Errors, want)
			}
		}
	})
	t.Run("ETag", func(t *testing.T) {
		etag := srv.as(f.Tok).get(f.Path).want(t, http.StatusOK).Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		r := srv.as(f.Tok).with("If-None-Match", etag).get(f.Path).want(t, http.StatusNotModified)
		if len(r.Body) != 0 {
			t.Errorf("304 with a body %q", r.Body)
		}
		srv.as(f.Tok).with("If-None-Match", `"other"`).get(f.Path).want(t, http.StatusOK)
		srv.as(f.Tok).post(f.Path, map[string]any{"title": "Ship it"}).want(t, http.StatusCreated)
		r = srv.as(f.Tok).with("If-None-Match", etag).get(f.Path).want(t, http.StatusOK)
		if r.Header.Get("ETag") == etag {
			t.Error("adding a step left the list's ETag unchanged")
		}
	})
	t.Run("draft is the editors'", func(t *testing.T) {
		srv.as(learner).get(f.Path).want(t, http.StatusNotFound).Problem(t)
		srv.as(srv.token(srv.user(models.RoleAuthor), "read")).get(f.Path).want(t, http.StatusNotFound)
		var l stepsListView
		srv.as(srv.token(srv.user(models.RoleAdmin), "read")).get(f.Path).want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 4 {
			t.Errorf("admin lists %d steps, want 4", len(l.Items))
		}
	})
	t.Run("published is everyone's", func(t *testing.T) {
		f.publish(t)
		var l stepsListView
		srv.as(learner).get(f.Path).want(t, http.StatusOK).JSON(t, &l)
		if got := strings.Join(stepsCheckList(t, f.Slug, l), "|"); got != "Install Go|Write main.go|Run it|Ship it" {
			t.Errorf("learner lists %q", got)
		}
		srv.as(learner).get("/api/v1/guides/"+builtin+"/steps").want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 10 {
			t.Errorf("built-in guide lists %d steps, want 10", len(l.Items))
		}
		stepsCheckList(t, builtin, l)
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(f.Path).want(t, http.StatusUnauthorized).Problem(t)
		srv.as(srv.token(f.Owner, "write")).get(f.Path).want(t, http.StatusForbidden).Problem(t)
		srv.as(f.Tok).get("/api/v1/guides/no-such-guide/steps").want(t, http.StatusNotFound).Problem(t)
	})
}

func TestStepsShow(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv, "Intro", "Second")
	learner := srv.token(srv.user(models.RoleLearner), "read")
	otherAuthor := srv.token(srv.user(models.RoleAuthor), "read")
	admin := srv.token(srv.user(models.RoleAdmin), "read")

	var editorTag string
	t.Run("editor view", func(t *testing.T) {
		r := srv.as(f.Tok).get(f.step(2)).want(t, http.StatusOK)
		editorTag = r.Header.Get("ETag")
		if got := stepsKeys(r.Map(t)); got != stepsEditorKeys {
			t.Errorf("fields %s, want %s", got, stepsEditorKeys)
		}
		var s stepsStepView
		r.JSON(t, &s)
		if s.Number != 2 || s.Title != "Second" || s.Guide != f.Slug || s.URL != "/guides/"+f.Slug+"/steps/2" || s.ID == 0 {
			t.Errorf("step = %+v", s)
		}
		if s.BodyMarkdown == nil || *s.BodyMarkdown != stepsBody("Second") || s.Version == nil || *s.Version < 1 {
			t.Errorf("body_markdown %v, version %v; want the source and a version", s.BodyMarkdown, s.Version)
		}
		if !strings.Contains(s.BodyHTML, "<strong>Second</strong>") {
			t.Errorf("body_html = %q, want the rendered Markdown", s.BodyHTML)
		}
		srv.as(f.Tok).with("If-None-Match", editorTag).get(f.step(2)).want(t, http.StatusNotModified)
		srv.as(f.Tok).with("If-None-Match", `"other", `+editorTag).get(f.step(2)).want(t, http.StatusNotModified)
		srv.as(f.Tok).with("If-None-Match", `"other"`).get(f.step(2)).want(t, http.StatusOK)
	})
	t.Run("draft is hidden", func(t *testing.T) {
		srv.as(learner).get(f.step(1)).want(t, http.StatusNotFound).Problem(t)
		srv.as(otherAuthor).get(f.step(1)).want(t, http.StatusNotFound).Problem(t)
		// A stranger cannot tell a real step from a missing one.
		srv.as(otherAuthor).get(f.step(9)).want(t, http.StatusNotFound)
		srv.as(admin).get(f.step(1)).want(t, http.StatusOK)
	})
	t.Run("learner view", func(t *testing.T) {
		f.publish(t)
		for name, tok := range map[string]string{"learner": learner, "another author": otherAuthor} {
			r := srv.as(tok).get(f.step(2)).want(t, http.StatusOK)
			if got := stepsKeys(r.Map(t)); got != stepsLearnerKeys {
				t.Errorf("%s sees fields %s, want %s", name, got, stepsLearnerKeys)
			}
			var s stepsStepView
			r.JSON(t, &s)
			if s.Title != "Second" || !strings.Contains(s.BodyHTML, "<strong>Second</strong>") {
				t.Errorf("%s sees %+v", name, s)
			}
			if r.Header.Get("ETag") == editorTag {
				t.Errorf("%s's representation has the editor's ETag", name)
			}
			srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(f.step(2)).want(t, http.StatusNotModified)
		}
		if got := stepsKeys(srv.as(admin).get(f.step(2)).want(t, http.StatusOK).Map(t)); got != stepsEditorKeys {
			t.Errorf("admin sees fields %s, want %s", got, stepsEditorKeys)
		}
	})
	t.Run("built-in guide", func(t *testing.T) {
		path := "/api/v1/guides/" + builtin + "/steps/1"
		if got := stepsKeys(srv.as(otherAuthor).get(path).want(t, http.StatusOK).Map(t)); got != stepsLearnerKeys {
			t.Errorf("an author sees the built-in step's fields %s, want %s", got, stepsLearnerKeys)
		}
		if got := stepsKeys(srv.as(admin).get(path).want(t, http.StatusOK).Map(t)); got != stepsEditorKeys {
			t.Errorf("an admin sees the built-in step's fields %s, want %s", got, stepsEditorKeys)
		}
	})
	t.Run("no such step", func(t *testing.T) {
		for _, n := range []string{"3", "0", "-1", "abc", "1.5", "1e2", "99999999999999999999", "2147483648"} {
			srv.as(f.Tok).get(f.step(n)).want(t, http.StatusNotFound).Problem(t)
		}
		srv.as(f.Tok).get("/api/v1/guides/no-such-guide/steps/1").want(t, http.StatusNotFound).Problem(t)
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(f.step(1)).want(t, http.StatusUnauthorized).Problem(t)
		srv.as(srv.token(f.Owner, "write")).get(f.step(1)).want(t, http.StatusForbidden).Problem(t)
	})
}

func TestStepsCreate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv)

	t.Run("first step", func(t *testing.T) {
		r := srv.as(f.Tok).post(f.Path, map[string]any{"title": "  Set up  ", "body_markdown": "Install <b>Go</b> and `git`.\n\n<script>alert(1)</script>"}).
			want(t, http.StatusCreated)
		var s stepsStepView
		r.JSON(t, &s)
		if s.Number != 1 || s.Title != "Set up" || s.Guide != f.Slug || s.URL != "/guides/"+f.Slug+"/steps/1" {
			t.Errorf("created %+v", s)
		}
		if s.BodyMarkdown == nil || !strings.HasPrefix(*s.BodyMarkdown, "Install <b>Go</b>") || s.Version == nil {
			t.Errorf("body_markdown %v, version %v", s.BodyMarkdown, s.Version)
		}
		if !strings.Contains(s.BodyHTML, "<code>git</code>") || strings.Contains(s.BodyHTML, "<script") {
			t.Errorf("body_html = %q, want rendered and sanitized", s.BodyHTML)
		}
		if loc := r.Header.Get("Location"); loc != f.step(1) {
			t.Errorf("Location = %q, want %q", loc, f.step(1))
		}
		etag := r.Header.Get("ETag")
		g := srv.as(f.Tok).get(r.Header.Get("Location")).want(t, http.StatusOK)
		if etag == "" || g.Header.Get("ETag") != etag {
			t.Errorf("POST's ETag %q, GET's %q; want the same", etag, g.Header.Get("ETag"))
		}
	})
	t.Run("appended at the end", func(t *testing.T) {
		r := srv.as(f.Tok).post(f.Path, map[string]any{"title": "Title only"}).want(t, http.StatusCreated)
		var s stepsStepView
		r.JSON(t, &s)
		if s.Number != 2 || s.BodyHTML != "" || s.BodyMarkdown == nil || *s.BodyMarkdown != "" {
			t.Errorf("title-only step %+v", s)
		}
		if loc := r.Header.Get("Location"); loc != f.step(2) {
			t.Errorf("Location = %q, want %q", loc, f.step(2))
		}
		srv.as(f.Tok).with("Content-Type", "application/merge-patch+json").post(f.Path, `{"title":"Third","body_markdown":null}`).
			want(t, http.StatusCreated)
		if got := strings.Join(f.titles(t), "|"); got != "Set up|Title only|Third" {
			t.Errorf("titles %q, want Set up|Title only|Third", got)
		}
	})
	t.Run("limits", func(t *testing.T) {
		long := strings.Repeat("é", models.StepTitleMaxLen)
		var s stepsStepView
		srv.as(f.Tok).post(f.Path, map[string]any{"title": long, "body_markdown": strings.Repeat("x", models.StepBodyMaxLen)}).
			want(t, http.StatusCreated).JSON(t, &s)
		if s.Title != long || s.Number != 4 {
			t.Errorf("a title of %d characters came back as %q at %d", models.StepTitleMaxLen, s.Title, s.Number)
		}
	})
	t.Run("validation", func(t *testing.T) {
		cases := []struct {
			name   string
			body   map[string]any
			fields string
		}{
			{"no title", map[string]any{"body_markdown": "Text"}, "title"},
			{"empty body", map[string]any{}, "title"},
			{"null title", map[string]any{"title": nil}, "title"},
			{"blank title", map[string]any{"title": " \t\n "}, "title"},
			{"long title", map[string]any{"title": strings.Repeat("t", models.StepTitleMaxLen+1)}, "title"},
			{"control character", map[string]any{"title": "Tab\there"}, "title"},
			{"long body", map[string]any{"title": "Fine", "body_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}, "body_markdown"},
			{"both", map[string]any{"title": "", "body_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}, "body_markdown,title"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := srv.as(f.Tok).post(f.Path, tc.body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if got := strings.Join(fieldNames(p.Errors), ","); got != tc.fields {
					t.Errorf("errors on %s, want %s", got, tc.fields)
				}
				if p.Status != http.StatusUnprocessableEntity || p.Errors[0].Detail == "" {
					t.Errorf("problem = %+v", p)
				}
			})
		}
	})
	t.Run("malformed", func(t *testing.T) {
		cases := []struct {
			name, ctype, body string
			status            int
			detail            string
		}{
			{"text/plain", "text/plain", `{"title":"x"}`, http.StatusUnsupportedMediaType, "application/json"},
			{"no content type", "", `{"title":"x"}`, http.StatusUnsupportedMediaType, "application/json"},
			{"empty", "application/json", ``, http.StatusBadRequest, "empty"},
			{"syntax", "application/json", `{"title":`, http.StatusBadRequest, "JSON"},
			{"not an object", "application/json", `["x"]`, http.StatusBadRequest, "object"},
			{"wrong type", "application/json", `{"title": 5}`, http.StatusBadRequest, `"title"`},
			{"unknown field", "application/json", `{"title":"x","colour":"red"}`, http.StatusBadRequest, `"colour"`},
			// Steps are only appended: there is no position to create at.
			{"position", "application/json", `{"title":"x","position":1}`, http.StatusBadRequest, `"position"`},
			{"two values", "application/json", `{"title":"x"} {"title":"y"}`, http.StatusBadRequest, "more than one"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := srv.as(f.Tok)
				if tc.ctype != "" {
					c = c.with("Content-Type", tc.ctype)
				}
				p := c.post(f.Path, tc.body).want(t, tc.status).Problem(t)
				if !strings.Contains(p.Detail, tc.detail) {
					t.Errorf("detail %q does not mention %s", p.Detail, tc.detail)
				}
			})
		}
	})
	t.Run("too large", func(t *testing.T) {
		// Over the API's 1 MiB: refused before the handler, on every
		// route with a body, and the document must say so.
		big := `{"title":"Big","body_markdown":"` + strings.Repeat("x", 2<<20) + `"}`
		c := srv.as(f.Tok).with("Content-Type", "application/json").with("If-Match", "*")
		c.post(f.Path, big).want(t, http.StatusRequestEntityTooLarge).Problem(t)
		c.patch(f.step(1), big).want(t, http.StatusRequestEntityTooLarge).Problem(t)
		c.post(f.step(1)+"/move", `{"to":2,"pad":"`+strings.Repeat("x", 2<<20)+`"}`).want(t, http.StatusRequestEntityTooLarge).Problem(t)
		if s, _ := f.show(t, 1); s.Title != "Set up" {
			t.Errorf("step 1 is %q after refused bodies, want Set up", s.Title)
		}
	})
	// Nothing refused above was stored.
	if got := len(f.titles(t)); got != 4 {
		t.Errorf("%d steps after the refusals, want 4", got)
	}
}

func TestStepsUpdate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv, "One", "Two", "Three")
	path := f.step(2)
	before, etag := f.show(t, 2)

	t.Run("If-Match", func(t *testing.T) {
		p := srv.as(f.Tok).patch(path, map[string]any{"title": "Changed"}).want(t, http.StatusPreconditionRequired).Problem(t)
		if !strings.Contains(p.Detail, "If-Match") {
			t.Errorf("detail %q does not mention If-Match", p.Detail)
		}
		srv.as(f.Tok).with("If-Match", `"stale"`).patch(path, map[string]any{"title": "Changed"}).want(t, http.StatusPreconditionFailed).Problem(t)
		if s, _ := f.show(t, 2); s.Title != "Two" || *s.Version != *before.Version {
			t.Fatalf("a refused PATCH changed the step: %+v", s)
		}
	})
	t.Run("changes what is sent", func(t *testing.T) {
		r := srv.as(f.Tok).with("If-Match", etag).patch(path, map[string]any{"body_markdown": "Now *emphasised*."}).want(t, http.StatusOK)
		var s stepsStepView
		r.JSON(t, &s)
		if s.Title != "Two" || s.ID != before.ID || s.Number != 2 || *s.BodyMarkdown != "Now *emphasised*." || !strings.Contains(s.BodyHTML, "<em>emphasised</em>") {
			t.Errorf("after PATCH of the body: %+v", s)
		}
		if *s.Version != *before.Version+1 {
			t.Errorf("version %d, want %d", *s.Version, *before.Version+1)
		}
		newTag := r.Header.Get("ETag")
		if newTag == "" || newTag == etag {
			t.Errorf("ETag %q after PATCH, before %q", newTag, etag)
		}
		if _, got := f.show(t, 2); got != newTag {
			t.Errorf("GET's ETag %q, PATCH's %q; want the same", got, newTag)
		}
		// The tag read before the change no longer matches: no lost update.
		srv.as(f.Tok).with("If-Match", etag).patch(path, map[string]any{"title": "Lost"}).want(t, http.StatusPreconditionFailed)
		etag = newTag

		r = srv.as(f.Tok).with("If-Match", `"other", `+etag).patch(path, map[string]any{"title": "  Two, renamed ", "body_markdown": nil}).
			want(t, http.StatusOK)
		r.JSON(t, &s)
		if s.Title != "Two, renamed" || *s.BodyMarkdown != "Now *emphasised*." || *s.Version != *before.Version+2 {
			t.Errorf("after PATCH of the title: %+v", s)
		}
		etag = r.Header.Get("ETag")
		r = srv.as(f.Tok).with("If-Match", etag).with("Content-Type", "application/merge-patch+json").patch(path, `{"title":"Two"}`).
			want(t, http.StatusOK)
		etag = r.Header.Get("ETag")
		if got := strings.Join(f.titles(t), "|"); got != "One|Two|Three" {
			t.Errorf("titles %q, want One|Two|Three", got)
		}
	})
	t.Run("validation", func(t *testing.T) {
		cases := []struct {
			name   string
			body   map[string]any
			fields string
		}{
			{"empty title", map[string]any{"title": ""}, "title"},
			{"blank title", map[string]any{"title": "   "}, "title"},
			{"long title", map[string]any{"title": strings.Repeat("t", models.StepTitleMaxLen+1)}, "title"},
			{"long body", map[string]any{"body_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}, "body_markdown"},
			{"both", map[string]any{"title": " ", "body_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}, "body_markdown,title"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := srv.as(f.Tok).with("If-Match", etag).patch(path, tc.body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if got := strings.Join(fieldNames(p.Errors), ","); got != tc.fields {
					t.Errorf("errors on %s, want %s", got, tc.fields)
				}
			})
		}
		c := srv.as(f.Tok).with("If-Match", etag)
		c.patch(path, `{"title":"x"}`).want(t, http.StatusUnsupportedMediaType).Problem(t)
		c = c.with("Content-Type", "application/json")
		c.patch(path, `{"title":`).want(t, http.StatusBadRequest).Problem(t)
		c.patch(path, `{"title":["x"]}`).want(t, http.StatusBadRequest).Problem(t)
		c.patch(path, ``).want(t, http.StatusBadRequest).Problem(t)
		for _, field := range []string{"number", "version", "id"} {
			p := c.patch(path, `{"`+field+`":1}`).want(t, http.StatusBadRequest).Problem(t)
			if !strings.Contains(p.Detail, `"`+field+`"`) {
				t.Errorf("detail %q does not name %s", p.Detail, field)
			}
		}
		if _, got := f.show(t, 2); got != etag {
			t.Error("a refused PATCH changed the step")
		}
	})
	t.Run("the tag is the step's, not its number's", func(t *testing.T) {
		// Step 3's tag, then step 1 goes: step 3 is now number 2, and the
		// old tag must not let a PATCH of number 3 (nothing) or 2 through.
		three, threeTag := f.show(t, 3)
		_, oneTag := f.show(t, 1)
		srv.as(f.Tok).with("If-Match", oneTag).delete(f.step(1)).want(t, http.StatusNoContent)
		srv.as(f.Tok).with("If-Match", threeTag).patch(f.step(3), map[string]any{"title": "x"}).want(t, http.StatusNotFound)
		srv.as(f.Tok).with("If-Match", threeTag).patch(f.step(2), map[string]any{"title": "x"}).want(t, http.StatusPreconditionFailed)
		srv.as(f.Tok).with("If-Match", etag).patch(f.step(1), map[string]any{"title": "x"}).want(t, http.StatusPreconditionFailed)
		moved, tag := f.show(t, 2)
		if moved.ID != three.ID || moved.Title != "Three" || moved.Number != 2 {
			t.Fatalf("after deleting step 1, step 2 is %+v, want Three (id %d)", moved, three.ID)
		}
		srv.as(f.Tok).with("If-Match", tag).patch(f.step(2), map[string]any{"title": "Three, second"}).want(t, http.StatusOK)
		if got := strings.Join(f.titles(t), "|"); got != "Two|Three, second" {
			t.Errorf("titles %q, want Two|Three, second", got)
		}
	})
	t.Run("no such step", func(t *testing.T) {
		for _, n := range []string{"3", "0", "abc", "99999999999999999999"} {
			srv.as(f.Tok).with("If-Match", "*").patch(f.step(n), map[string]any{"title": "x"}).want(t, http.StatusNotFound).Problem(t)
		}
	})
}

func TestStepsDelete(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv, "A", "B", "C", "D")
	b, bTag := f.show(t, 2)
	c, _ := f.show(t, 3)

	srv.as(f.Tok).delete(f.step(2)).want(t, http.StatusPreconditionRequired).Problem(t)
	srv.as(f.Tok).with("If-Match", `"stale"`).delete(f.step(2)).want(t, http.StatusPreconditionFailed).Problem(t)
	if got := strings.Join(f.titles(t), ""); got != "ABCD" {
		t.Fatalf("a refused DELETE changed the steps: %s", got)
	}
	r := srv.as(f.Tok).with("If-Match", bTag).delete(f.step(2)).want(t, http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Errorf("204 with body %q", r.Body)
	}
	if got := strings.Join(f.titles(t), ""); got != "ACD" {
		t.Fatalf("after deleting B: %s, want ACD", got)
	}
	if s, _ := f.show(t, 2); s.ID != c.ID || s.Title != "C" || *s.BodyMarkdown != stepsBody("C") {
		t.Errorf("step 2 is now %+v, want C (id %d) with its body", s, c.ID)
	}
	srv.as(f.Tok).get(f.step(4)).want(t, http.StatusNotFound)
	// B's tag does not delete C, which now has B's number.
	srv.as(f.Tok).with("If-Match", bTag).delete(f.step(2)).want(t, http.StatusPreconditionFailed)
	var l stepsListView
	srv.as(f.Tok).get(f.Path).want(t, http.StatusOK).JSON(t, &l)
	for _, s := range l.Items {
		if s.ID == b.ID {
			t.Errorf("B (id %d) is still listed as %+v", b.ID, s)
		}
	}

	t.Run("first and last", func(t *testing.T) {
		_, tag := f.show(t, 3)
		srv.as(f.Tok).with("If-Match", tag).delete(f.step(3)).want(t, http.StatusNoContent)
		_, tag = f.show(t, 1)
		srv.as(f.Tok).with("If-Match", tag).delete(f.step(1)).want(t, http.StatusNoContent)
		if got := strings.Join(f.titles(t), ""); got != "C" {
			t.Fatalf("left %q, want C", got)
		}
		_, tag = f.show(t, 1)
		srv.as(f.Tok).with("If-Match", tag).delete(f.step(1)).want(t, http.StatusNoContent)
		var l stepsListView
		srv.as(f.Tok).get(f.Path).want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 0 {
			t.Errorf("left %+v, want none", l.Items)
		}
	})
	t.Run("no such step", func(t *testing.T) {
		for _, n := range []string{"1", "0", "abc", "99999999999999999999"} {
			srv.as(f.Tok).with("If-Match", "*").delete(f.step(n)).want(t, http.StatusNotFound).Problem(t)
		}
	})
	t.Run("learners' data goes with the step", func(t *testing.T) {
		g := newStepsFixture(t, srv, "Keep", "Drop")
		g.publish(t)
		learner := srv.token(srv.user(models.RoleLearner), "read", "write")
		base := "/api/v1/guides/" + g.Slug
		srv.as(learner).put(g.step(2)+"/completion", nil).want(t, http.StatusOK)
		srv.as(learner).put(g.step(2)+"/note", map[string]any{"body": "Remember this."}).want(t, http.StatusCreated)
		_, tag := g.show(t, 2)
		srv.as(g.Tok).with("If-Match", tag).delete(g.step(2)).want(t, http.StatusNoContent)
		var p progressView
		srv.as(learner).get(base+"/progress").want(t, http.StatusOK).JSON(t, &p)
		if p.Total != 1 || p.Done != 0 {
			t.Errorf("progress after the step went: %+v, want 0 of 1 done", p)
		}
		var notes struct{ Items []map[string]any }
		srv.as(learner).get("/api/v1/notes").want(t, http.StatusOK).JSON(t, &notes)
		if len(notes.Items) != 0 {
			t.Errorf("notes after the step went: %v", notes.Items)
		}
	})
}

func TestStepsMove(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := newStepsFixture(t, srv, "A", "B", "C", "D")
	ids := map[string]int64{}
	for n := 1; n <= 4; n++ {
		s, _ := f.show(t, n)
		ids[s.Title] = s.ID
	}
	move := func(t *testing.T, from, to int, want string) {
		t.Helper()
		var l stepsListView
		r := srv.as(f.Tok).post(f.step(from)+"/move", map[string]any{"to": to}).want(t, http.StatusOK)
		r.JSON(t, &l)
		if got := strings.Join(stepsCheckList(t, f.Slug, l), ""); got != want {
			t.Fatalf("move %d to %d answered %s, want %s", from, to, got, want)
		}
		if l.NextCursor != nil || r.Header.Get("ETag") == "" {
			t.Errorf("next_cursor %v, ETag %q; want null and a tag", l.NextCursor, r.Header.Get("ETag"))
		}
		for _, s := range l.Items {
			if ids[s.Title] != s.ID {
				t.Errorf("%s has id %d, want %d", s.Title, s.ID, ids[s.Title])
			}
		}
		if got := strings.Join(f.titles(t), ""); got != want {
			t.Fatalf("after moving %d to %d the list is %s, want %s", from, to, got, want)
		}
	}

	t.Run("down", func(t *testing.T) { move(t, 1, 3, "BCAD") })
	t.Run("up", func(t *testing.T) { move(t, 4, 1, "DBCA") })
	t.Run("one place", func(t *testing.T) { move(t, 2, 3, "DCBA") })
	t.Run("same place", func(t *testing.T) { move(t, 2, 2, "DCBA") })
	t.Run("past the end", func(t *testing.T) { move(t, 1, 99, "CBAD") })
	t.Run("to the limit", func(t *testing.T) { move(t, 2, 100000, "CADB") })
	t.Run("last to past the end", func(t *testing.T) { move(t, 4, 5, "CADB") })
	t.Run("body travels", func(t *testing.T) {
		s, _ := f.show(t, 4)
		if s.Title != "B" || s.Number != 4 || *s.BodyMarkdown != stepsBody("B") || s.URL != "/guides/"+f.Slug+"/steps/4" {
			t.Errorf("step 4 = %+v, want B with its body", s)
		}
	})
	t.Run("the list's answer matches GET's", func(t *testing.T) {
		r := srv.as(f.Tok).post(f.step(1)+"/move", map[string]any{"to": 1}).want(t, http.StatusOK)
		srv.as(f.Tok).with("If-None-Match", r.Header.Get("ETag")).get(f.Path).want(t, http.StatusNotModified)
	})
	t.Run("If-Match", func(t *testing.T) {
		_, tag := f.show(t, 1) // C
		srv.as(f.Tok).with("If-Match", `"stale"`).post(f.step(1)+"/move", map[string]any{"to": 2}).want(t, http.StatusPreconditionFailed).Problem(t)
		if got := strings.Join(f.titles(t), ""); got != "CADB" {
			t.Fatalf("a refused move changed the order: %s", got)
		}
		r := srv.as(f.Tok).with("If-Match", tag).post(f.step(1)+"/move", map[string]any{"to": 2}).want(t, http.StatusOK)
		var l stepsListView
		r.JSON(t, &l)
		if got := strings.Join(stepsCheckList(t, f.Slug, l), ""); got != "ACDB" {
			t.Fatalf("after the move: %s, want ACDB", got)
		}
		// C is now number 2: its old tag names neither number 1 (A) nor
		// C as it is now (number and URL changed).
		srv.as(f.Tok).with("If-Match", tag).post(f.step(1)+"/move", map[string]any{"to": 4}).want(t, http.StatusPreconditionFailed)
		srv.as(f.Tok).with("If-Match", tag).post(f.step(2)+"/move", map[string]any{"to": 4}).want(t, http.StatusPreconditionFailed)
	})
	t.Run("validation", func(t *testing.T) {
		for _, body := range []string{`{"to":0}`, `{"to":-1}`, `{"to":100001}`, `{}`, `{"to":null}`} {
			p := srv.as(f.Tok).with("Content-Type", "application/json").post(f.step(1)+"/move", body).
				want(t, http.StatusUnprocessableEntity).Problem(t)
			if got := strings.Join(fieldNames(p.Errors), ","); got != "to" {
				t.Errorf("%s: errors on %s, want to", body, got)
			}
		}
		c := srv.as(f.Tok).with("Content-Type", "application/json")
		for _, body := range []string{`{"to":"2"}`, `{"to":1.5}`, `{"to":1,"from":2}`, `{"to":`, ``} {
			c.post(f.step(1)+"/move", body).want(t, http.StatusBadRequest).Problem(t)
		}
		srv.as(f.Tok).post(f.step(1)+"/move", `{"to":2}`).want(t, http.StatusUnsupportedMediaType).Problem(t)
		if got := strings.Join(f.titles(t), ""); got != "ACDB" {
			t.Errorf("refused moves changed the order: %s", got)
		}
	})
	t.Run("no such step", func(t *testing.T) {
		for _, n := range []string{"5", "0", "abc", "99999999999999999999"} {
			srv.as(f.Tok).post(f.step(n)+"/move", map[string]any{"to": 1}).want(t, http.StatusNotFound).Problem(t)
		}
	})
}

// TestStepsWhoMay: the guide's editors (owner, co-authors, admins) change
// its steps; everyone else is refused, with 404 when they may not even see
// the guide, and a refusal changes nothing.
func TestStepsWhoMay(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	f := newStepsFixture(t, srv, "One", "Two")
	learner, other, admin := srv.user(models.RoleLearner), srv.user(models.RoleAuthor), srv.user(models.RoleAdmin)
	_, etag := f.show(t, 1)

	// writes tries every write on the guide with slug as tok, wanting
	// status; the step's ETag is sent where one is required.
	writes := func(t *testing.T, tok, slug, etag string, status int) {
		t.Helper()
		steps := "/api/v1/guides/" + slug + "/steps"
		c := srv.as(tok).with("If-Match", etag)
		c.post(steps, map[string]any{"title": "Intruder"}).want(t, status)
		c.patch(steps+"/1", map[string]any{"title": "Intruder"}).want(t, status)
		c.post(steps+"/1/move", map[string]any{"to": 2}).want(t, status)
		c.delete(steps+"/1").want(t, status)
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		if got := strings.Join(f.titles(t), "|"); got != "One|Two" {
			t.Fatalf("steps are %s after refused writes, want One|Two", got)
		}
		if _, tag := f.show(t, 1); tag != etag {
			t.Fatal("step 1 changed after refused writes")
		}
	}

	t.Run("no token", func(t *testing.T) {
		for _, r := range []*response{
			srv.as("").get(f.Path), srv.as("").get(f.step(1)),
			srv.as("").post(f.Path, map[string]any{"title": "x"}),
			srv.as("").with("If-Match", etag).patch(f.step(1), map[string]any{"title": "x"}),
			srv.as("").with("If-Match", etag).delete(f.step(1)),
			srv.as("").post(f.step(1)+"/move", map[string]any{"to": 2}),
		} {
			r.want(t, http.StatusUnauthorized).Problem(t)
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s: 401 without WWW-Authenticate", r.Request.Method, r.Request.URL.Path)
			}
		}
		unchanged(t)
	})
	t.Run("read-only token", func(t *testing.T) {
		writes(t, srv.token(f.Owner, "read"), f.Slug, etag, http.StatusForbidden)
		unchanged(t)
	})
	t.Run("strangers do not see a draft", func(t *testing.T) {
		for _, u := range []models.User{learner, other} {
			tok := srv.token(u, "read", "write")
			srv.as(tok).get(f.Path).want(t, http.StatusNotFound)
			srv.as(tok).get(f.step(1)).want(t, http.StatusNotFound)
			writes(t, tok, f.Slug, etag, http.StatusNotFound)
		}
		unchanged(t)
	})
	t.Run("others may read a published guide, not write it", func(t *testing.T) {
		f.publish(t)
		for _, u := range []models.User{learner, other} {
			tok := srv.token(u, "read", "write")
			srv.as(tok).get(f.step(1)).want(t, http.StatusOK)
			writes(t, tok, f.Slug, etag, http.StatusForbidden)
		}
		unchanged(t)
	})
	t.Run("co-author", func(t *testing.T) {
		co := srv.user(models.RoleAuthor)
		coTok := srv.token(co, "read", "write")
		hidden := newStepsFixture(t, srv, "Secret")
		srv.as(coTok).get(hidden.step(1)).want(t, http.StatusNotFound)
		if err := srv.Models.Authoring.AddCoAuthor(ctx, hidden.record(t).ID, co.Email); err != nil {
			t.Fatal(err)
		}
		r := srv.as(coTok).get(hidden.step(1)).want(t, http.StatusOK)
		if got := stepsKeys(r.Map(t)); got != stepsEditorKeys {
			t.Errorf("a co-author sees fields %s, want %s", got, stepsEditorKeys)
		}
		srv.as(coTok).post(hidden.Path, map[string]any{"title": "From the co-author"}).want(t, http.StatusCreated)
		r = srv.as(coTok).with("If-Match", r.Header.Get("ETag")).patch(hidden.step(1), map[string]any{"title": "Secret, edited"}).
			want(t, http.StatusOK)
		srv.as(coTok).with("If-Match", r.Header.Get("ETag")).post(hidden.step(1)+"/move", map[string]any{"to": 2}).want(t, http.StatusOK)
		_, tag := hidden.show(t, 1)
		srv.as(coTok).with("If-Match", tag).delete(hidden.step(1)).want(t, http.StatusNoContent)
		if got := strings.Join(hidden.titles(t), "|"); got != "Secret, edited" {
			t.Errorf("after the co-author's edits: %s, want Secret, edited", got)
		}
		if err := srv.Models.Authoring.RemoveCoAuthor(ctx, hidden.record(t).ID, co.ID); err != nil {
			t.Fatal(err)
		}
		_, tag = hidden.show(t, 1)
		writes(t, coTok, hidden.Slug, tag, http.StatusNotFound)
	})
	t.Run("admin", func(t *testing.T) {
		tok := srv.token(admin, "read", "write")
		srv.as(tok).post(f.Path, map[string]any{"title": "Three"}).want(t, http.StatusCreated)
		srv.as(tok).with("If-Match", etag).patch(f.step(1), map[string]any{"title": "One, by the admin"}).want(t, http.StatusOK)
		if got := strings.Join(f.titles(t), "|"); got != "One, by the admin|Two|Three" {
			t.Errorf("after the admin's edits: %s", got)
		}
	})
	t.Run("built-in guide follows the policy", func(t *testing.T) {
		rec, err := srv.Models.Guides.Record(ctx, builtin, 0)
		if err != nil {
			t.Fatal(err)
		}
		if rec.AuthorID != nil || rec.PublishedAt == nil {
			t.Fatalf("built-in guide: author %v, published %v; want nobody's and published", rec.AuthorID, rec.PublishedAt)
		}
		path := "/api/v1/guides/" + builtin + "/steps"
		for _, u := range []models.User{learner, other, f.Owner, admin} {
			may := models.CanEditGuide(&u, rec.Editable())
			if may != (u.Role == models.RoleAdmin) {
				t.Errorf("policy: %s may edit the built-in guide: %v", u.Role, may)
			}
			tok := srv.token(u, "read", "write")
			_, tag := stepsShowAs(t, srv, tok, path+"/1")
			if !may {
				writes(t, tok, builtin, tag, http.StatusForbidden)
				continue
			}
			var s stepsStepView
			r := srv.as(tok).with("If-Match", tag).patch(path+"/1", map[string]any{"title": "Edited by an admin"}).want(t, http.StatusOK)
			r.JSON(t, &s)
			if s.Title != "Edited by an admin" {
				t.Errorf("admin's PATCH gave %+v", s)
			}
			r = srv.as(tok).post(path, map[string]any{"title": "Added by an admin"}).want(t, http.StatusCreated)
			r.JSON(t, &s)
			if s.Number != 11 {
				t.Errorf("admin's step is number %d, want 11", s.Number)
			}
			srv.as(tok).post(path+"/11/move", map[string]any{"to": 1}).want(t, http.StatusOK)
			srv.as(tok).with("If-Match", "*").delete(path+"/1").want(t, http.StatusNoContent)
		}
		var l stepsListView
		srv.as(srv.token(learner, "read")).get(path).want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 10 || l.Items[0].Title != "Edited by an admin" {
			t.Errorf("built-in guide after the admin's edits: %d steps, first %q", len(l.Items), l.Items[0].Title)
		}
	})
}

// stepsShowAs returns the step at path as tok sees it, and its ETag.
func stepsShowAs(t *testing.T, srv *server, tok, path string) (stepsStepView, string) {
	t.Helper()
	var s stepsStepView
	r := srv.as(tok).get(path).want(t, http.StatusOK)
	r.JSON(t, &s)
	return s, r.Header.Get("ETag")
}

// TestStepsRevisions: on a published guide every save through the API
// keeps a revision, as the browser's editor does; a draft's do not. The
// revisions are read from the model, and the API's list of them must
// agree.
func TestStepsRevisions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	f := newStepsFixture(t, srv, "Drafted")
	revisions := func(t *testing.T, stepID int64) []models.Revision {
		t.Helper()
		list, err := srv.Models.Authoring.Revisions(ctx, stepID)
		if err != nil {
			t.Fatal(err)
		}
		n := -1
		for i := 1; n < 0; i++ {
			s, _ := f.show(t, i)
			if s.ID == stepID {
				n = i
			}
		}
		var page struct {
			Items []struct {
				ID      int64  `json:"id"`
				Version int    `json:"version"`
				Title   string `json:"title"`
			} `json:"items"`
		}
		srv.as(f.Tok).get(f.step(n)+"/revisions").want(t, http.StatusOK).JSON(t, &page)
		if len(page.Items) != len(list) {
			t.Fatalf("GET .../revisions lists %d, the model %d", len(page.Items), len(list))
		}
		for i, r := range page.Items {
			if r.ID != list[i].ID || r.Version != list[i].Version || r.Title != list[i].Title {
				t.Errorf("GET .../revisions item %d = %+v, the model's %+v", i, r, list[i])
			}
		}
		return list
	}

	drafted, tag := f.show(t, 1)
	srv.as(f.Tok).with("If-Match", tag).patch(f.step(1), map[string]any{"body_markdown": "Still a draft."}).want(t, http.StatusOK)
	if list := revisions(t, drafted.ID); len(list) != 0 {
		t.Fatalf("a draft's step has %d revisions, want none", len(list))
	}

	f.publish(t)
	var s stepsStepView
	srv.as(f.Tok).post(f.Path, map[string]any{"title": "Published", "body_markdown": "First text."}).want(t, http.StatusCreated).JSON(t, &s)
	list := revisions(t, s.ID)
	if len(list) != 1 || list[0].Title != "Published" || list[0].Version != *s.Version {
		t.Fatalf("after POST on a published guide: revisions %+v, want one at version %d", list, *s.Version)
	}
	if r, err := srv.Models.Authoring.Revision(ctx, s.ID, list[0].ID); err != nil || r.BodyMD != "First text." {
		t.Fatalf("first revision %+v, %v; want its text", r, err)
	}

	_, tag = f.show(t, 2)
	srv.as(f.Tok).with("If-Match", tag).patch(f.step(2), map[string]any{"body_markdown": "Second text."}).want(t, http.StatusOK).JSON(t, &s)
	list = revisions(t, s.ID)
	if len(list) != 2 || list[0].Version != *s.Version || list[0].AuthorName != f.Owner.DisplayName {
		t.Fatalf("after PATCH: revisions %+v, want two, the newest at version %d by %s", list, *s.Version, f.Owner.DisplayName)
	}
	if r, err := srv.Models.Authoring.Revision(ctx, s.ID, list[0].ID); err != nil || r.BodyMD != "Second text." {
		t.Fatalf("newest revision %+v, %v; want the PATCH's text", r, err)
	}

	// A refused PATCH keeps none.
	srv.as(f.Tok).with("If-Match", tag).patch(f.step(2), map[string]any{"body_markdown": "Lost."}).want(t, http.StatusPreconditionFailed)
	_, tag = f.show(t, 2)
	srv.as(f.Tok).with("If-Match", tag).patch(f.step(2), map[string]any{"title": ""}).want(t, http.StatusUnprocessableEntity)
	if got := len(revisions(t, s.ID)); got != 2 {
		t.Errorf("%d revisions after refused PATCHes, want 2", got)
	}
	// The draft-era step gets its first revision once the guide is published.
	_, tag = f.show(t, 1)
	srv.as(f.Tok).with("If-Match", tag).patch(f.step(1), map[string]any{"title": "Drafted, then published"}).want(t, http.StatusOK)
	if list := revisions(t, drafted.ID); len(list) != 1 || list[0].Title != "Drafted, then published" {
		t.Errorf("revisions of the first step %+v", list)
	}
}
