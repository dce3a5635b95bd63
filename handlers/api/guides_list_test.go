package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stepwise/models"
)

type guideOut struct {
	ID            int64    `json:"id"`
	Slug          string   `json:"slug"`
	Status        string   `json:"status"`
	Difficulty    string   `json:"difficulty"`
	Tags          []string `json:"tags"`
	IntroMarkdown *string  `json:"intro_markdown"`
}

type guidePage struct {
	Items      []guideOut `json:"items"`
	NextCursor *string    `json:"next_cursor"`
}

// makeGuide creates a guide of author's, published or not.
func makeGuide(t *testing.T, srv *server, author models.User, slug, difficulty, tags string, publish bool) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := srv.Models.Authoring.CreateGuide(ctx, author.ID, models.GuideForm{
		Title: "Guide " + slug, Slug: slug, Summary: "About " + slug, Difficulty: difficulty, Tags: tags, Intro: "Intro of " + slug,
	})
	if err != nil {
		t.Fatal(err)
	}
	if tags != "" {
		if err := srv.Models.Tags.Set(ctx, id, strings.Split(tags, ",")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.Models.Authoring.AddStep(ctx, id, "First step of "+slug); err != nil {
		t.Fatal(err)
	}
	if publish {
		if err := srv.Models.Authoring.SetPublished(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestListGuides(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author, other, admin := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleAdmin)
	for i := 1; i <= 4; i++ {
		makeGuide(t, srv, author, fmt.Sprintf("pub-%d", i), []string{"", "beginner", "advanced"}[1+i%2], "go, testing", true)
	}
	makeGuide(t, srv, author, "secret-draft", "beginner", "", false)
	makeGuide(t, srv, other, "other-draft", "beginner", "", false)
	reader := srv.as(srv.token(srv.user(models.RoleLearner), "read"))

	t.Run("pages", func(t *testing.T) {
		var seen []string
		for _, g := range walkPages[guideOut](t, reader, "/api/v1/guides?limit=2", 2) {
			seen = append(seen, g.Slug)
			if g.Status != "published" || g.IntroMarkdown != nil {
				t.Errorf("listed %+v to a learner", g)
			}
		}
		want := "backend-web-development pub-1 pub-2 pub-3 pub-4"
		if got := strings.Join(seen, " "); got != want {
			t.Fatalf("listed %q, want %q (every published guide once, no drafts)", got, want)
		}
	})
	t.Run("exact last page has no next", func(t *testing.T) {
		var p guidePage
		reader.get("/api/v1/guides?limit=5").want(t, http.StatusOK).JSON(t, &p)
		if len(p.Items) != 5 || p.NextCursor != nil {
			t.Fatalf("%d items, next %v", len(p.Items), p.NextCursor)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=%%%", "cursor=bm9wZQ", "status=secret", "difficulty=hard", "author=me"} {
			p := reader.get("/api/v1/guides?"+q).want(t, http.StatusBadRequest).Problem(t)
			if len(p.Errors) != 1 || !strings.HasPrefix(q, p.Errors[0].Field) {
				t.Errorf("%s: errors %+v", q, p.Errors)
			}
		}
	})
	t.Run("filters", func(t *testing.T) {
		count := func(q string) int {
			var p guidePage
			reader.get("/api/v1/guides?"+q).want(t, http.StatusOK).JSON(t, &p)
			return len(p.Items)
		}
		if n := count("difficulty=advanced"); n != 2 {
			t.Errorf("advanced: %d", n)
		}
		if n := count("tag=testing"); n != 4 {
			t.Errorf("tag: %d", n)
		}
		if n := count(fmt.Sprintf("author=%d", author.ID)); n != 4 {
			t.Errorf("author: %d", n)
		}
		if n := count("q=" + url.QueryEscape("First step of pub-3")); n != 1 {
			t.Errorf("q: %d", n)
		}
		if n := count("q=" + url.QueryEscape(`"unbalanced AND (`)); n != 0 {
			t.Errorf("hostile q: %d", n)
		}
	})
	t.Run("drafts", func(t *testing.T) {
		slugs := func(tok string) string {
			var p guidePage
			srv.as(tok).get("/api/v1/guides?status=draft").want(t, http.StatusOK).JSON(t, &p)
			var s []string
			for _, g := range p.Items {
				s = append(s, g.Slug)
			}
			return strings.Join(s, " ")
		}
		if got := slugs(srv.token(author, "read")); got != "secret-draft" {
			t.Errorf("author's drafts: %q", got)
		}
		if got := slugs(srv.token(admin, "read")); got != "secret-draft other-draft" {
			t.Errorf("admin's drafts: %q", got)
		}
		if got := slugs(srv.token(srv.user(models.RoleLearner), "read")); got != "" {
			t.Errorf("learner's drafts: %q", got)
		}
	})
	t.Run("get", func(t *testing.T) {
		reader.get("/api/v1/guides/secret-draft").want(t, http.StatusNotFound)
		srv.as(srv.token(other, "read")).get("/api/v1/guides/secret-draft").want(t, http.StatusNotFound)
		var g guideOut
		r := srv.as(srv.token(author, "read")).get("/api/v1/guides/secret-draft").want(t, http.StatusOK)
		r.JSON(t, &g)
		if g.Status != "draft" || g.IntroMarkdown == nil || *g.IntroMarkdown != "Intro of secret-draft" {
			t.Fatalf("draft for its author: %+v", g)
		}
		r = reader.get("/api/v1/guides/pub-1").want(t, http.StatusOK)
		reader.with("If-None-Match", r.Header.Get("ETag")).get("/api/v1/guides/pub-1").want(t, http.StatusNotModified)
		reader.with("If-None-Match", `"other"`).get("/api/v1/guides/pub-1").want(t, http.StatusOK)
		reader.get("/api/v1/guides/no-such-guide").want(t, http.StatusNotFound).Problem(t)
	})
}
