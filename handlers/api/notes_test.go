package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type noteView struct {
	Guide     string `json:"guide"`
	Step      int    `json:"step"`
	StepTitle string `json:"step_title"`
	Body      string `json:"body"`
	UpdatedAt string `json:"updated_at"`
	URL       string `json:"url"`
}

func TestNote(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(learner, "read", "write")
	note := "/api/v1/guides/" + builtinGuide + "/steps/2/note"

	t.Run("none yet", func(t *testing.T) {
		srv.as(tok).get(note).want(t, http.StatusNotFound).Problem(t)
		srv.as(tok).delete(note).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", "*").delete(note).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", "*").put(note, map[string]any{"body": "x"}).want(t, http.StatusPreconditionFailed)
	})
	var etag string
	t.Run("create", func(t *testing.T) {
		var n noteView
		r := srv.as(tok).put(note, map[string]any{"body": "First thought.\r\nSecond line."}).want(t, http.StatusCreated)
		r.JSON(t, &n)
		if n.Body != "First thought.\nSecond line." || n.Step != 2 || n.Guide != builtinGuide || n.URL != note || r.Header.Get("Location") != note {
			t.Fatalf("note = %+v, Location %q", n, r.Header.Get("Location"))
		}
		etag = r.Header.Get("ETag")
		g := srv.as(tok).get(note).want(t, http.StatusOK)
		if g.Header.Get("ETag") != etag {
			t.Fatalf("GET ETag %q differs from PUT's %q", g.Header.Get("ETag"), etag)
		}
		srv.as(tok).with("If-None-Match", etag).get(note).want(t, http.StatusNotModified)
	})
	t.Run("replace needs If-Match", func(t *testing.T) {
		srv.as(tok).put(note, map[string]any{"body": "Overwrite"}).want(t, http.StatusPreconditionRequired)
		srv.as(tok).with("If-Match", `"stale"`).put(note, map[string]any{"body": "Overwrite"}).want(t, http.StatusPreconditionFailed)
		var n noteView
		r := srv.as(tok).with("If-Match", etag).put(note, map[string]any{"body": "Better thought."}).want(t, http.StatusOK)
		r.JSON(t, &n)
		if n.Body != "Better thought." {
			t.Fatalf("note = %+v", n)
		}
		srv.as(tok).with("If-Match", etag).put(note, map[string]any{"body": "Lost update"}).want(t, http.StatusPreconditionFailed)
		etag = r.Header.Get("ETag")
	})
	t.Run("validation", func(t *testing.T) {
		for name, body := range map[string]any{
			"missing":  map[string]any{},
			"blank":    map[string]any{"body": "  \n "},
			"too long": map[string]any{"body": strings.Repeat("x", models.NoteMaxLen+1)},
			"NUL":      map[string]any{"body": "a\x00b"},
		} {
			t.Run(name, func(t *testing.T) {
				p := srv.as(tok).with("If-Match", etag).put(note, body).want(t, http.StatusUnprocessableEntity).Problem(t)
				if !namesField(p.Errors, "body") {
					t.Errorf("errors %+v", p.Errors)
				}
			})
		}
		srv.as(tok).with("If-Match", etag).put(note, `{"body": 1}`).want(t, http.StatusUnsupportedMediaType)
		srv.as(tok).with("If-Match", etag).with("Content-Type", "application/json").put(note, `{"body": 1}`).want(t, http.StatusBadRequest)
	})
	t.Run("someone else's note is invisible", func(t *testing.T) {
		other := srv.token(srv.user(models.RoleLearner), "read", "write")
		srv.as(other).get(note).want(t, http.StatusNotFound)
		srv.as(other).with("If-Match", etag).delete(note).want(t, http.StatusNotFound)
		var l struct {
			Items []noteView `json:"items"`
		}
		srv.as(other).get("/api/v1/notes").want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 0 {
			t.Fatalf("another learner lists %+v", l.Items)
		}
		// Their own note on the same step does not touch this one.
		srv.as(other).put(note, map[string]any{"body": "Mine"}).want(t, http.StatusCreated)
		var n noteView
		srv.as(tok).get(note).want(t, http.StatusOK).JSON(t, &n)
		if n.Body != "Better thought." {
			t.Fatalf("note = %+v", n)
		}
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(note).want(t, http.StatusUnauthorized)
		srv.as(srv.token(learner, "read")).put(note, map[string]any{"body": "x"}).want(t, http.StatusForbidden)
		srv.as(srv.token(learner, "write")).get(note).want(t, http.StatusForbidden)
		srv.as(tok).get("/api/v1/guides/"+builtinGuide+"/steps/99/note").want(t, http.StatusNotFound)
		draft, _ := srv.learnGuide(author, false)
		srv.as(tok).put("/api/v1/guides/"+draft+"/steps/1/note", map[string]any{"body": "x"}).want(t, http.StatusNotFound)
		srv.as(srv.token(author, "write")).put("/api/v1/guides/"+draft+"/steps/1/note", map[string]any{"body": "x"}).want(t, http.StatusForbidden)
	})
	t.Run("delete", func(t *testing.T) {
		srv.as(tok).delete(note).want(t, http.StatusPreconditionRequired)
		srv.as(tok).with("If-Match", `"stale"`).delete(note).want(t, http.StatusPreconditionFailed)
		srv.as(tok).with("If-Match", etag).delete(note).want(t, http.StatusNoContent)
		srv.as(tok).get(note).want(t, http.StatusNotFound)
		srv.as(tok).put(note, map[string]any{"body": "Again"}).want(t, http.StatusCreated)
	})
}

func TestNotesList(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	learner := srv.user(models.RoleLearner)
	tok := srv.token(learner, "read", "write")
	for n := 1; n <= 5; n++ {
		srv.as(tok).put(fmt.Sprintf("/api/v1/guides/%s/steps/%d/note", builtinGuide, n), map[string]any{"body": fmt.Sprint("note ", n)}).
			want(t, http.StatusCreated)
	}
	type page struct {
		Items      []noteView `json:"items"`
		NextCursor *string    `json:"next_cursor"`
	}
	var seen []string
	for _, n := range walkPages[noteView](t, srv.as(tok), "/api/v1/notes?limit=2", 2) {
		seen = append(seen, n.Body)
		if n.StepTitle == "" || n.URL != fmt.Sprintf("/api/v1/guides/%s/steps/%d/note", builtinGuide, n.Step) {
			t.Errorf("item %+v", n)
		}
	}
	if strings.Join(seen, ",") != "note 1,note 2,note 3,note 4,note 5" {
		t.Fatalf("pages gave %v", seen)
	}
	var exact page
	srv.as(tok).get("/api/v1/notes?limit=5").want(t, http.StatusOK).JSON(t, &exact)
	if len(exact.Items) != 5 || exact.NextCursor != nil {
		t.Fatalf("limit equal to the count: %d items, cursor %v", len(exact.Items), exact.NextCursor)
	}
	srv.as(tok).get("/api/v1/notes?limit=0").want(t, http.StatusBadRequest)
	srv.as(tok).get("/api/v1/notes?limit=101").want(t, http.StatusBadRequest)
	srv.as(tok).get("/api/v1/notes?cursor=bogus").want(t, http.StatusBadRequest)
	srv.as("").get("/api/v1/notes").want(t, http.StatusUnauthorized)
	srv.as(srv.token(learner, "write")).get("/api/v1/notes").want(t, http.StatusForbidden)
}
