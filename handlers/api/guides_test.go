package api_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
)

// builtin is the built-in guide's slug: published, with no owner, so
// only admins may change it.
const builtin = "backend-web-development"

// draft creates a draft guide through the API as tok and returns its
// slug and ETag.
func draft(t *testing.T, srv *server, tok, title string) (string, string) {
	t.Helper()
	r := srv.as(tok).post("/api/v1/guides", map[string]any{"title": title, "difficulty": "beginner"}).want(t, http.StatusCreated)
	return r.Map(t)["slug"].(string), r.Header.Get("ETag")
}

func TestCreateGuide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(author, "read", "write")

	body := map[string]any{
		"title": "Getting started with Git", "summary": "Commits and branches.", "difficulty": "intermediate",
		"minutes": 45, "tags": []string{"Git", "version-control", "git"}, "intro_markdown": "Hello **there**.",
	}
	r := srv.as(tok).post("/api/v1/guides", body).want(t, http.StatusCreated)
	var g struct {
		Slug, Title, Status, Difficulty, IntroHTML string
		Minutes                                    int
		Tags                                       []string
		IntroMarkdown                              *string `json:"intro_markdown"`
		Author                                     struct{ ID int64 }
	}
	r.JSON(t, &g)
	if g.Slug != "getting-started-with-git" || g.Status != "draft" || g.Minutes != 45 || g.Difficulty != "intermediate" {
		t.Errorf("created %+v", g)
	}
	if strings.Join(g.Tags, ",") != "git,version-control" {
		t.Errorf("tags = %v, want [git version-control]", g.Tags)
	}
	if g.IntroMarkdown == nil || *g.IntroMarkdown != "Hello **there**." || g.Author.ID != author.ID {
		t.Errorf("intro_markdown %v, author %d; want the source and %d", g.IntroMarkdown, g.Author.ID, author.ID)
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/guides/getting-started-with-git" {
		t.Fatalf("Location = %q", loc)
	}
	srv.as(tok).get(r.Header.Get("Location")).want(t, http.StatusOK)

	t.Run("slug taken", func(t *testing.T) {
		p := srv.as(tok).post("/api/v1/guides", map[string]any{"title": "Other", "slug": "getting-started-with-git", "difficulty": "beginner"}).
			want(t, http.StatusConflict).Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "slug" {
			t.Errorf("errors = %+v, want slug", p.Errors)
		}
	})
	t.Run("validation", func(t *testing.T) {
		cases := []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"difficulty": "beginner"}, "title"},
			{map[string]any{"title": "A guide"}, "difficulty"},
			{map[string]any{"title": "A guide", "difficulty": "expert"}, "difficulty"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "minutes": -1}, "minutes"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "slug": "Not A Slug"}, "slug"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "slug": "new"}, "slug"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "tags": []string{"no spaces"}}, "tags"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}}, "tags"},
			{map[string]any{"title": "A guide", "difficulty": "beginner", "intro_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}, "intro_markdown"},
			{map[string]any{"title": strings.Repeat("t", models.GuideTitleMaxLen+1), "difficulty": "beginner"}, "title"},
		}
		for _, tc := range cases {
			p := srv.as(tok).post("/api/v1/guides", tc.body).want(t, http.StatusUnprocessableEntity).Problem(t)
			if got := fieldNames(p.Errors); len(got) != 1 || got[0] != tc.field {
				t.Errorf("%v: errors on %v, want [%s]", tc.body, got, tc.field)
			}
		}
	})
	t.Run("malformed", func(t *testing.T) {
		srv.as(tok).post("/api/v1/guides", `{"title":"x","colour":"red"}`).want(t, http.StatusUnsupportedMediaType)
		srv.as(tok).with("Content-Type", "application/json").post("/api/v1/guides", `{"title":"x","colour":"red"}`).want(t, http.StatusBadRequest)
		srv.as(tok).with("Content-Type", "application/json").post("/api/v1/guides", `{"minutes":"ten"}`).want(t, http.StatusBadRequest)
	})
	t.Run("who may", func(t *testing.T) {
		srv.as("").post("/api/v1/guides", body).want(t, http.StatusUnauthorized)
		srv.as(srv.token(author, "read")).post("/api/v1/guides", body).want(t, http.StatusForbidden)
		learner := srv.user(models.RoleLearner)
		srv.as(srv.token(learner, "read", "write")).post("/api/v1/guides", map[string]any{"title": "Mine", "difficulty": "beginner"}).
			want(t, http.StatusForbidden)
		if _, err := srv.Models.Guides.Record(context.Background(), "mine", 0); err == nil {
			t.Error("a learner's guide was created")
		}
	})
}

func TestUpdateGuide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, other, co := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, etag := draft(t, srv, tok, "Patch me")
	path := "/api/v1/guides/" + slug

	srv.as(tok).patch(path, map[string]any{"summary": "x"}).want(t, http.StatusPreconditionRequired)
	srv.as(tok).with("If-Match", `"stale"`).patch(path, map[string]any{"summary": "x"}).want(t, http.StatusPreconditionFailed)

	r := srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"summary": "Now with a summary.", "tags": []string{"go"}}).
		want(t, http.StatusOK)
	m := r.Map(t)
	if m["summary"] != "Now with a summary." || m["title"] != "Patch me" || m["difficulty"] != "beginner" || m["version"].(float64) != 2 {
		t.Errorf("after patch: %v", m)
	}
	if r.Header.Get("ETag") == etag {
		t.Error("ETag unchanged by the patch")
	}
	srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"summary": "lost update"}).want(t, http.StatusPreconditionFailed)
	etag = r.Header.Get("ETag")
	srv.as(tok).with("If-None-Match", etag).get(path).want(t, http.StatusNotModified)

	t.Run("validation", func(t *testing.T) {
		p := srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"title": " ", "intro_markdown": strings.Repeat("x", models.StepBodyMaxLen+1)}).
			want(t, http.StatusUnprocessableEntity).Problem(t)
		if got := strings.Join(fieldNames(p.Errors), ","); got != "intro_markdown,title" {
			t.Errorf("errors on %s, want intro_markdown,title", got)
		}
		draft(t, srv, tok, "Taken")
		p = srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"slug": "taken"}).want(t, http.StatusConflict).Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "slug" {
			t.Errorf("errors = %+v, want slug", p.Errors)
		}
	})
	t.Run("draft slug changes", func(t *testing.T) {
		r := srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"slug": "patched"}).want(t, http.StatusOK)
		if r.Map(t)["slug"] != "patched" {
			t.Fatalf("slug not changed: %s", r.Body)
		}
		srv.as(tok).get(path).want(t, http.StatusNotFound)
		slug, path, etag = "patched", "/api/v1/guides/patched", r.Header.Get("ETag")
	})
	t.Run("published keeps its slug", func(t *testing.T) {
		etag = srv.as(tok).post(path+"/publish", nil).want(t, http.StatusOK).Header.Get("ETag")
		p := srv.as(tok).with("If-Match", etag).patch(path, map[string]any{"slug": "moved"}).want(t, http.StatusUnprocessableEntity).Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "slug" || !strings.Contains(p.Errors[0].Detail, "published") {
			t.Errorf("errors = %+v", p.Errors)
		}
	})
	t.Run("who may", func(t *testing.T) {
		otherTok := srv.token(other, "read", "write")
		srv.as(otherTok).with("If-Match", etag).patch(path, map[string]any{"summary": "mine"}).want(t, http.StatusForbidden)
		hidden, hiddenTag := draft(t, srv, tok, "Hidden draft")
		srv.as(otherTok).with("If-Match", hiddenTag).patch("/api/v1/guides/"+hidden, map[string]any{"summary": "mine"}).want(t, http.StatusNotFound)
		srv.as("").patch(path, map[string]any{"summary": "x"}).want(t, http.StatusUnauthorized)
		srv.as(srv.token(owner, "read")).with("If-Match", etag).patch(path, map[string]any{"summary": "x"}).want(t, http.StatusForbidden)

		g, err := srv.Models.Guides.Record(context.Background(), slug, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Models.Authoring.AddCoAuthor(context.Background(), g.ID, co.Email); err != nil {
			t.Fatal(err)
		}
		coTok := srv.token(co, "read", "write")
		etag := srv.as(coTok).get(path).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(coTok).with("If-Match", etag).patch(path, map[string]any{"minutes": 15}).want(t, http.StatusOK)
	})
}

func TestPublishGuide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, learner := srv.user(models.RoleAuthor), srv.user(models.RoleLearner)
	tok, learnerTok := srv.token(owner, "read", "write"), srv.token(learner, "read", "write")
	slug, etag := draft(t, srv, tok, "Publish me")
	path := "/api/v1/guides/" + slug

	srv.as(learnerTok).get(path).want(t, http.StatusNotFound)
	srv.as(learnerTok).post(path+"/publish", nil).want(t, http.StatusNotFound)
	srv.as(tok).with("If-Match", `"stale"`).post(path+"/publish", nil).want(t, http.StatusPreconditionFailed)

	r := srv.as(tok).with("If-Match", etag).post(path+"/publish", nil).want(t, http.StatusOK)
	if m := r.Map(t); m["status"] != "published" || m["published_at"] == nil {
		t.Fatalf("after publish: %v", m)
	}
	srv.as(learnerTok).get(path).want(t, http.StatusOK)
	srv.as(learnerTok).post(path+"/unpublish", nil).want(t, http.StatusForbidden)
	srv.as(srv.token(owner, "read")).post(path+"/unpublish", nil).want(t, http.StatusForbidden)
	srv.as("").post(path+"/unpublish", nil).want(t, http.StatusUnauthorized)

	// Publishing again is harmless: still published, no If-Match needed.
	srv.as(tok).post(path+"/publish", nil).want(t, http.StatusOK)
	r = srv.as(tok).post(path+"/unpublish", nil).want(t, http.StatusOK)
	if m := r.Map(t); m["status"] != "draft" || m["published_at"] != nil {
		t.Fatalf("after unpublish: %v", m)
	}
	srv.as(learnerTok).get(path).want(t, http.StatusNotFound)
}

// pngOf is a tiny valid PNG, different for each seed.
func pngOf(t *testing.T, seed uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Pix[0] = seed
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeleteGuide(t *testing.T) {
	t.Parallel()
	files := imagestore.NewMem()
	srv := newServer(t, func(d *root.Config) { d.ImageStore = files })
	ctx := context.Background()
	owner, co, admin := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleAdmin)
	tok := srv.token(owner, "read", "write")
	slug, etag := draft(t, srv, tok, "Delete me")
	path := "/api/v1/guides/" + slug
	g, err := srv.Models.Guides.Record(ctx, slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Models.Authoring.AddCoAuthor(ctx, g.ID, co.Email); err != nil {
		t.Fatal(err)
	}
	// One image only this guide has, one another guide shares.
	images := models.NewImages(srv.DB, files)
	other, _ := draft(t, srv, tok, "Keeper")
	kept, err := srv.Models.Guides.Record(ctx, other, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i, gid := range []int64{g.ID, g.ID, kept.ID} {
		data := pngOf(t, uint8(i%2)) // the third is the same picture as the first
		info, err := imagestore.Check(data)
		if err != nil {
			t.Fatal(err)
		}
		img, err := images.Add(ctx, gid, &owner.ID, "pic.png", data, info)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, img.Key())
	}
	// The etag read before the co-author was added is still the guide's:
	// co-authors are not part of its representation.
	coTok := srv.token(co, "read", "write")
	srv.as(coTok).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
	srv.as(tok).delete(path).want(t, http.StatusPreconditionRequired)
	srv.as(tok).with("If-Match", `"stale"`).delete(path).want(t, http.StatusPreconditionFailed)
	srv.as(srv.token(owner, "read")).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
	srv.as("").delete(path).want(t, http.StatusUnauthorized)

	srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNoContent)
	srv.as(tok).get(path).want(t, http.StatusNotFound)
	if _, err := files.Get(ctx, keys[1]); err == nil {
		t.Error("the deleted guide's own image file is still stored")
	}
	if _, err := files.Get(ctx, keys[0]); err != nil {
		t.Errorf("an image another guide uses was removed: %v", err)
	}

	t.Run("published", func(t *testing.T) {
		etag := srv.as(tok).post("/api/v1/guides/"+other+"/publish", nil).want(t, http.StatusOK).Header.Get("ETag")
		p := srv.as(tok).with("If-Match", etag).delete("/api/v1/guides/"+other).want(t, http.StatusConflict).Problem(t)
		if !strings.Contains(p.Detail, "Unpublish") {
			t.Errorf("detail %q does not say to unpublish", p.Detail)
		}
		srv.as(tok).post("/api/v1/guides/"+other+"/unpublish", nil).want(t, http.StatusOK)
		// An admin may delete anyone's draft.
		adminTok := srv.token(admin, "read", "write")
		etag = srv.as(adminTok).get("/api/v1/guides/"+other).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(adminTok).with("If-Match", etag).delete("/api/v1/guides/"+other).want(t, http.StatusNoContent)
	})
	t.Run("not visible", func(t *testing.T) {
		hidden, hiddenTag := draft(t, srv, tok, "Hidden")
		stranger := srv.token(srv.user(models.RoleAuthor), "read", "write")
		srv.as(stranger).with("If-Match", hiddenTag).delete("/api/v1/guides/"+hidden).want(t, http.StatusNotFound)
		builtinTag := srv.as(stranger).get("/api/v1/guides/"+builtin).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(stranger).with("If-Match", builtinTag).delete("/api/v1/guides/"+builtin).want(t, http.StatusForbidden)
	})
}
