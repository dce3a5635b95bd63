package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type revisionView struct {
	ID           int64   `json:"id"`
	Version      int     `json:"version"`
	Title        string  `json:"title"`
	BodyMarkdown *string `json:"body_markdown"`
	AuthorName   string  `json:"author_name"`
	CreatedAt    string  `json:"created_at"`
}

type revisionPage struct {
	Items      []revisionView `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

// saveStepTexts PATCHes step (an API path) as tok with title and body, once
// for each body, and returns the step's ETag after the last save.
func saveStepTexts(t *testing.T, srv *server, tok, step string, bodies ...string) string {
	t.Helper()
	etag := srv.as(tok).get(step).want(t, http.StatusOK).Header.Get("ETag")
	for _, body := range bodies {
		r := srv.as(tok).with("If-Match", etag).patch(step, map[string]any{"title": "Title " + body, "body_markdown": body}).
			want(t, http.StatusOK)
		etag = r.Header.Get("ETag")
	}
	return etag
}

func TestRevisions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, other := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := srv.learnGuide(owner, true)
	step := "/api/v1/guides/" + slug + "/steps/1"
	revisions := step + "/revisions"
	// Each save of a published guide's step keeps a revision.
	etag := saveStepTexts(t, srv, tok, step, "One.", "Two.", "Three.")

	var first revisionView
	t.Run("list", func(t *testing.T) {
		r := srv.as(tok).get(revisions).want(t, http.StatusOK)
		var p revisionPage
		r.JSON(t, &p)
		var titles []string
		for _, rev := range p.Items {
			titles = append(titles, rev.Title)
			if rev.BodyMarkdown != nil {
				t.Errorf("revision %d: a list item has body_markdown", rev.ID)
			}
			if rev.AuthorName != owner.DisplayName || rev.CreatedAt == "" {
				t.Errorf("revision %+v: want author %q and a time", rev, owner.DisplayName)
			}
		}
		if got := strings.Join(titles, ","); got != "Title Three.,Title Two.,Title One." || p.NextCursor != nil {
			t.Fatalf("got titles %s, next cursor %v; want newest first on one page", got, p.NextCursor)
		}
		if p.Items[0].Version <= p.Items[1].Version {
			t.Errorf("versions %d, %d: want newest first", p.Items[0].Version, p.Items[1].Version)
		}
		if r.Header.Get("Link") != "" {
			t.Errorf("one page has a Link header %q", r.Header.Get("Link"))
		}
		srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(revisions).want(t, http.StatusNotModified)
		first = p.Items[2]
	})
	t.Run("show", func(t *testing.T) {
		path := fmt.Sprint(revisions, "/", first.ID)
		r := srv.as(tok).get(path).want(t, http.StatusOK)
		var rev revisionView
		r.JSON(t, &rev)
		if rev.ID != first.ID || rev.Title != "Title One." || rev.BodyMarkdown == nil || *rev.BodyMarkdown != "One." || rev.Version != first.Version {
			t.Fatalf("got %+v, want revision %d with its text", rev, first.ID)
		}
		srv.as(tok).with("If-None-Match", r.Header.Get("ETag")).get(path).want(t, http.StatusNotModified)
	})
	t.Run("restore", func(t *testing.T) {
		restore := fmt.Sprint(revisions, "/", first.ID, "/restore")
		srv.as(tok).post(restore, nil).want(t, http.StatusPreconditionRequired).Problem(t)
		srv.as(tok).with("If-Match", `"stale"`).post(restore, nil).want(t, http.StatusPreconditionFailed).Problem(t)
		r := srv.as(tok).with("If-Match", etag).post(restore, nil).want(t, http.StatusOK)
		var s struct {
			Number       int     `json:"number"`
			Title        string  `json:"title"`
			BodyMarkdown *string `json:"body_markdown"`
			BodyHTML     string  `json:"body_html"`
		}
		r.JSON(t, &s)
		if s.Number != 1 || s.Title != "Title One." || s.BodyMarkdown == nil || *s.BodyMarkdown != "One." || !strings.Contains(s.BodyHTML, "One.") {
			t.Fatalf("restored step: got %+v, want the first revision's text", s)
		}
		if got := r.Header.Get("Content-Location"); got != step {
			t.Errorf("Content-Location: got %q, want %q", got, step)
		}
		if got := srv.as(tok).get(step).want(t, http.StatusOK).Header.Get("ETag"); got != r.Header.Get("ETag") {
			t.Errorf("the step's ETag %q differs from the restore's %q", got, r.Header.Get("ETag"))
		}
		// The restore is itself a revision, and the ETag it was made with is spent.
		var p revisionPage
		srv.as(tok).get(revisions).want(t, http.StatusOK).JSON(t, &p)
		if len(p.Items) != 4 || p.Items[0].Title != "Title One." {
			t.Fatalf("after restoring: %+v, want a fourth revision on top", p.Items)
		}
		srv.as(tok).with("If-Match", etag).post(restore, nil).want(t, http.StatusPreconditionFailed)
		etag = r.Header.Get("ETag")
	})
	t.Run("not found", func(t *testing.T) {
		srv.as(tok).get(revisions+"/999999").want(t, http.StatusNotFound)
		srv.as(tok).get(revisions+"/abc").want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).post(revisions+"/999999/restore", nil).want(t, http.StatusNotFound)
		// Another step's revision is not this one's.
		step2 := "/api/v1/guides/" + slug + "/steps/2"
		etag2 := saveStepTexts(t, srv, tok, step2, "Elsewhere.")
		srv.as(tok).get(fmt.Sprint(step2, "/revisions/", first.ID)).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag2).post(fmt.Sprint(step2, "/revisions/", first.ID, "/restore"), nil).want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/"+slug+"/steps/3/revisions").want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/no-such-guide/steps/1/revisions").want(t, http.StatusNotFound)
	})
	t.Run("refused", func(t *testing.T) {
		restore := fmt.Sprint(revisions, "/", first.ID, "/restore")
		srv.as("").get(revisions).want(t, http.StatusUnauthorized)
		srv.as("").post(restore, nil).want(t, http.StatusUnauthorized)
		srv.as(srv.token(owner, "read")).with("If-Match", etag).post(restore, nil).want(t, http.StatusForbidden)
		srv.as(srv.token(owner, "write")).get(revisions).want(t, http.StatusForbidden)
		// A published guide: others may read its steps, not their history.
		otherTok := srv.token(other, "read", "write")
		srv.as(otherTok).get(revisions).want(t, http.StatusForbidden)
		srv.as(otherTok).get(fmt.Sprint(revisions, "/", first.ID)).want(t, http.StatusForbidden)
		srv.as(otherTok).with("If-Match", etag).post(restore, nil).want(t, http.StatusForbidden)
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(revisions).want(t, http.StatusForbidden)
		// A draft: not there at all for them.
		hidden, _ := srv.learnGuide(owner, false)
		srv.as(otherTok).get("/api/v1/guides/"+hidden+"/steps/1/revisions").want(t, http.StatusNotFound)
		var p revisionPage
		srv.as(tok).get(revisions).want(t, http.StatusOK).JSON(t, &p)
		if len(p.Items) != 4 {
			t.Fatalf("refused restores changed the revisions: %d, want 4", len(p.Items))
		}
	})
	t.Run("a draft's saves keep none", func(t *testing.T) {
		hidden, _ := srv.learnGuide(owner, false)
		step := "/api/v1/guides/" + hidden + "/steps/1"
		saveStepTexts(t, srv, tok, step, "Draft text.")
		var p revisionPage
		srv.as(tok).get(step+"/revisions").want(t, http.StatusOK).JSON(t, &p)
		if p.Items == nil || len(p.Items) != 0 || p.NextCursor != nil {
			t.Fatalf("got %+v, want an empty list", p)
		}
	})
}

func TestRevisionsPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := srv.learnGuide(owner, true)
	revisions := "/api/v1/guides/" + slug + "/steps/2/revisions"
	saveStepTexts(t, srv, tok, "/api/v1/guides/"+slug+"/steps/2", "1", "2", "3", "4", "5")

	var seen []string
	for _, rev := range walkPages[revisionView](t, srv.as(tok), revisions+"?limit=2", 2) {
		seen = append(seen, strings.TrimPrefix(rev.Title, "Title "))
	}
	if got := strings.Join(seen, ","); got != "5,4,3,2,1" {
		t.Fatalf("pages gave %s, want 5,4,3,2,1", got)
	}
	var exact revisionPage
	srv.as(tok).get(revisions+"?limit=5").want(t, http.StatusOK).JSON(t, &exact)
	if len(exact.Items) != 5 || exact.NextCursor != nil {
		t.Fatalf("limit equal to the count: %d items, cursor %v; want 5 and none", len(exact.Items), exact.NextCursor)
	}
	var def revisionPage
	srv.as(tok).get(revisions).want(t, http.StatusOK).JSON(t, &def)
	if len(def.Items) != 5 || def.NextCursor != nil {
		t.Fatalf("default limit: %d items, cursor %v; want 5 and none", len(def.Items), def.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=two", "cursor=bogus"} {
		p := srv.as(tok).get(revisions+"?"+q).want(t, http.StatusBadRequest).Problem(t)
		if param, _, _ := strings.Cut(q, "="); !namesField(p.Errors, param) {
			t.Errorf("%s: errors %+v, want %s named", q, p.Errors, param)
		}
	}
}
