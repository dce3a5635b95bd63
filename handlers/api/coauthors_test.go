package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers"
	"stepwise/models"
)

type coAuthorView struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

type coAuthorPage struct {
	Items      []coAuthorView `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

func TestCoAuthors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, co, other := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := srv.learnGuide(owner, true)
	authors := "/api/v1/guides/" + slug + "/authors"
	list := func(t *testing.T, tok string) coAuthorPage {
		t.Helper()
		var p coAuthorPage
		srv.as(tok).get(authors).want(t, http.StatusOK).JSON(t, &p)
		return p
	}

	t.Run("none yet", func(t *testing.T) {
		p := list(t, tok)
		if p.Items == nil || len(p.Items) != 0 || p.NextCursor != nil {
			t.Fatalf("got %+v, want no items and no next cursor", p)
		}
	})
	var etag, path string
	t.Run("add", func(t *testing.T) {
		r := srv.as(tok).post(authors, map[string]any{"email": co.Email}).want(t, http.StatusCreated)
		var a coAuthorView
		r.JSON(t, &a)
		if a.ID != co.ID || a.Email != co.Email || a.DisplayName != co.DisplayName {
			t.Fatalf("got %+v, want the co-author %d %s", a, co.ID, co.Email)
		}
		path = fmt.Sprint(authors, "/", co.ID)
		if got := r.Header.Get("Location"); got != path {
			t.Fatalf("Location: got %q, want %q", got, path)
		}
		etag = r.Header.Get("ETag")
		g := srv.as(tok).get(path).want(t, http.StatusOK)
		if g.Header.Get("ETag") != etag {
			t.Errorf("GET ETag %q differs from POST's %q", g.Header.Get("ETag"), etag)
		}
		srv.as(tok).with("If-None-Match", etag).get(path).want(t, http.StatusNotModified)
		if p := list(t, tok); len(p.Items) != 1 || p.Items[0].ID != co.ID {
			t.Fatalf("list: got %+v, want the one co-author", p.Items)
		}
	})
	t.Run("adding again is 200", func(t *testing.T) {
		r := srv.as(tok).post(authors, map[string]any{"email": "  " + strings.ToUpper(co.Email) + " "}).want(t, http.StatusOK)
		if r.Header.Get("ETag") != etag || r.Header.Get("Location") != path {
			t.Errorf("ETag %q, Location %q; want %q and %q", r.Header.Get("ETag"), r.Header.Get("Location"), etag, path)
		}
		if p := list(t, tok); len(p.Items) != 1 {
			t.Fatalf("list: got %d co-authors, want 1", len(p.Items))
		}
	})
	t.Run("validation", func(t *testing.T) {
		for name, body := range map[string]any{
			"missing":    map[string]any{},
			"blank":      map[string]any{"email": "  "},
			"not email":  map[string]any{"email": "grace at example"},
			"no account": map[string]any{"email": "nobody@example.com"},
			"too long":   map[string]any{"email": strings.Repeat("a", 250) + "@example.com"},
		} {
			t.Run(name, func(t *testing.T) {
				p := srv.as(tok).post(authors, body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if got := fieldNames(p.Errors); len(got) != 1 || got[0] != "email" {
					t.Errorf("errors on %v, want [email]", got)
				}
			})
		}
		srv.as(tok).post(authors, `{"email":"x@example.com"}`).want(t, http.StatusUnsupportedMediaType)
		srv.as(tok).post(authors, map[string]any{"email": strings.Repeat("x", handlers.BodyLimit)}).want(t, http.StatusRequestEntityTooLarge).Problem(t)
		srv.as(tok).with("Content-Type", "application/json").post(authors, `{"email":"x@example.com","role":"owner"}`).
			want(t, http.StatusBadRequest)
		if p := list(t, tok); len(p.Items) != 1 {
			t.Fatalf("a refused request changed the list: %+v", p.Items)
		}
	})
	t.Run("a co-author sees but does not manage", func(t *testing.T) {
		coTok := srv.token(co, "read", "write")
		if p := list(t, coTok); len(p.Items) != 1 {
			t.Fatalf("co-author's list: %+v", p.Items)
		}
		srv.as(coTok).get(path).want(t, http.StatusOK)
		srv.as(coTok).post(authors, map[string]any{"email": other.Email}).want(t, http.StatusForbidden)
		srv.as(coTok).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(authors).want(t, http.StatusUnauthorized)
		srv.as("").post(authors, map[string]any{"email": other.Email}).want(t, http.StatusUnauthorized)
		srv.as(srv.token(owner, "read")).post(authors, map[string]any{"email": other.Email}).want(t, http.StatusForbidden)
		srv.as(srv.token(owner, "write")).get(authors).want(t, http.StatusForbidden)
		srv.as(srv.token(owner, "read")).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
		// Published: others may read the guide, not its authors.
		otherTok := srv.token(other, "read", "write")
		srv.as(otherTok).get(authors).want(t, http.StatusForbidden)
		srv.as(otherTok).get(path).want(t, http.StatusForbidden)
		srv.as(otherTok).post(authors, map[string]any{"email": other.Email}).want(t, http.StatusForbidden)
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(authors).want(t, http.StatusForbidden)
		// A draft is not there at all for them.
		hidden, _ := srv.learnGuide(owner, false)
		srv.as(otherTok).get("/api/v1/guides/"+hidden+"/authors").want(t, http.StatusNotFound)
		srv.as(otherTok).post("/api/v1/guides/"+hidden+"/authors", map[string]any{"email": other.Email}).want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/no-such-guide/authors").want(t, http.StatusNotFound)
		// The owner is the guide's author, not a co-author.
		srv.as(tok).get(fmt.Sprint(authors, "/", owner.ID)).want(t, http.StatusNotFound)
		srv.as(tok).get(fmt.Sprint(authors, "/", other.ID)).want(t, http.StatusNotFound)
		srv.as(tok).get(authors+"/abc").want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).delete(fmt.Sprint(authors, "/", other.ID)).want(t, http.StatusNotFound)
		if p := list(t, tok); len(p.Items) != 1 {
			t.Fatalf("a refused request changed the list: %+v", p.Items)
		}
	})
	t.Run("remove", func(t *testing.T) {
		srv.as(tok).delete(path).want(t, http.StatusPreconditionRequired).Problem(t)
		srv.as(tok).with("If-Match", `"stale"`).delete(path).want(t, http.StatusPreconditionFailed).Problem(t)
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNoContent)
		srv.as(tok).get(path).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNotFound)
		if p := list(t, tok); len(p.Items) != 0 {
			t.Fatalf("after removal: %+v", p.Items)
		}
		// No longer an editor: the authors are out of reach again.
		srv.as(srv.token(co, "read")).get(authors).want(t, http.StatusForbidden)
	})
	t.Run("admin manages any guide", func(t *testing.T) {
		adminTok := srv.token(srv.user(models.RoleAdmin), "read", "write")
		builtinAuthors := "/api/v1/guides/" + builtinGuide + "/authors"
		r := srv.as(adminTok).post(builtinAuthors, map[string]any{"email": other.Email}).want(t, http.StatusCreated)
		if got, want := r.Header.Get("Location"), fmt.Sprint(builtinAuthors, "/", other.ID); got != want {
			t.Fatalf("Location: got %q, want %q", got, want)
		}
		srv.as(adminTok).with("If-Match", r.Header.Get("ETag")).delete(r.Header.Get("Location")).want(t, http.StatusNoContent)
	})
}
