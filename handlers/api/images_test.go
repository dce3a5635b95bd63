package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"stepwise/handlers"
	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
)

type imageView struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	URL         string `json:"url"`
	Markdown    string `json:"markdown"`
	CreatedAt   string `json:"created_at"`
}

type imagePage struct {
	Items      []imageView `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

// uploadImage POSTs data as an image of contentType to the guide's images.
func uploadImage(srv *server, tok, slug, contentType, name string, data []byte) *response {
	srv.t.Helper()
	path := "/api/v1/guides/" + slug + "/images"
	if name != "" {
		path += "?name=" + name
	}
	return srv.as(tok).with("Content-Type", contentType).post(path, data)
}

// wideImage is a valid PNG wider than an image may be.
func wideImage(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, imagestore.MaxSide+1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImages(t *testing.T) {
	t.Parallel()
	files := imagestore.NewMem()
	srv := newServer(t, func(d *root.Config) { d.ImageStore = files })
	ctx := context.Background()
	owner, co, other := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := srv.learnGuide(owner, true)
	images := "/api/v1/guides/" + slug + "/images"
	pic := pngOf(t, 7)

	var img imageView
	var etag string
	t.Run("upload", func(t *testing.T) {
		r := uploadImage(srv, tok, slug, "image/png", "diagram.png", pic).want(t, http.StatusCreated)
		r.JSON(t, &img)
		info, err := imagestore.Check(pic)
		if err != nil {
			t.Fatal(err)
		}
		if img.Name != "diagram.png" || img.ContentType != "image/png" || img.Size != int64(len(pic)) || img.Width != 2 || img.Height != 2 {
			t.Errorf("got %+v, want diagram.png, image/png, %d bytes, 2×2", img, len(pic))
		}
		if img.URL != "/images/"+info.Key() || img.Markdown != "![diagram]("+img.URL+")" || img.CreatedAt == "" {
			t.Errorf("url %q, markdown %q; want /images/%s and its snippet", img.URL, img.Markdown, info.Key())
		}
		if got, want := r.Header.Get("Location"), fmt.Sprint(images, "/", img.ID); got != want {
			t.Fatalf("Location: got %q, want %q", got, want)
		}
		etag = r.Header.Get("ETag")
		g := srv.as(tok).get(r.Header.Get("Location")).want(t, http.StatusOK)
		if g.Header.Get("ETag") != etag {
			t.Errorf("GET ETag %q differs from the upload's %q", g.Header.Get("ETag"), etag)
		}
		srv.as(tok).with("If-None-Match", etag).get(r.Header.Get("Location")).want(t, http.StatusNotModified)
		if stored, err := files.Get(ctx, info.Key()); err != nil || !bytes.Equal(stored, pic) {
			t.Fatalf("stored file: %v", err)
		}
		// The url serves it: the guide is published.
		served := srv.as("").get(img.URL).want(t, http.StatusOK)
		if !bytes.Equal(served.Body, pic) || served.Header.Get("Content-Type") != "image/png" {
			t.Errorf("served %d bytes as %q", len(served.Body), served.Header.Get("Content-Type"))
		}
	})
	t.Run("the same picture again is 200", func(t *testing.T) {
		r := uploadImage(srv, tok, slug, "image/png", "again.png", pic).want(t, http.StatusOK)
		var again imageView
		r.JSON(t, &again)
		if again.ID != img.ID || again.Name != "diagram.png" || r.Header.Get("ETag") != etag {
			t.Errorf("got %+v, want image %d unchanged", again, img.ID)
		}
		if r.Header.Get("Location") != fmt.Sprint(images, "/", img.ID) {
			t.Errorf("Location: got %q", r.Header.Get("Location"))
		}
	})
	t.Run("the type and name come from the bytes and the base name", func(t *testing.T) {
		var v imageView
		uploadImage(srv, tok, slug, "image/jpeg; charset=binary", "..%2F..%2Fetc%2Fshot.png", pngOf(t, 8)).want(t, http.StatusCreated).JSON(t, &v)
		if v.ContentType != "image/png" || v.Name != "shot.png" || !strings.HasSuffix(v.URL, ".png") {
			t.Errorf("got %+v, want a PNG named shot.png", v)
		}
		uploadImage(srv, tok, slug, "image/webp", "", pngOf(t, 9)).want(t, http.StatusCreated).JSON(t, &v)
		if v.Name != "image" || v.Markdown != "![image]("+v.URL+")" {
			t.Errorf("no name: got %+v, want the name image", v)
		}
	})
	t.Run("wrong content types", func(t *testing.T) {
		for _, ct := range []string{"", "text/plain", "application/json", "application/octet-stream", "image/svg+xml", "image"} {
			p := uploadImage(srv, tok, slug, ct, "x.png", pngOf(t, 10)).want(t, http.StatusUnsupportedMediaType).Problem(t)
			if !strings.Contains(p.Detail, "image/png") {
				t.Errorf("%q: detail %q does not name the accepted types", ct, p.Detail)
			}
		}
		// The images page's form upload is not the API's.
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, err := mw.CreateFormFile("file", "x.png")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(pngOf(t, 10)); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		uploadImage(srv, tok, slug, mw.FormDataContentType(), "x.png", form.Bytes()).want(t, http.StatusUnsupportedMediaType).Problem(t)
		srv.as(tok).with("Content-Type", "image/png").with("Content-Encoding", "gzip").post(images, pngOf(t, 10)).
			want(t, http.StatusUnsupportedMediaType).Problem(t)
	})
	t.Run("refused images", func(t *testing.T) {
		for name, data := range map[string][]byte{
			"empty":      {},
			"text":       []byte("this is not a picture"),
			"svg":        []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"truncated":  pic[:20],
			"too wide":   wideImage(t),
			"over 5 MiB": append(pngOf(t, 11), make([]byte, imagestore.MaxBytes)...),
		} {
			t.Run(name, func(t *testing.T) {
				p := uploadImage(srv, tok, slug, "image/png", "x.png", data).want(t, http.StatusUnprocessableEntity).Problem(t)
				if got := fieldNames(p.Errors); len(got) != 1 || got[0] != "body" {
					t.Errorf("errors on %v, want [body]", got)
				}
			})
		}
		uploadImage(srv, tok, slug, "image/png", "x.png", make([]byte, handlers.ImageBodyLimit+1)).want(t, http.StatusRequestEntityTooLarge).Problem(t)
		p := uploadImage(srv, tok, slug, "image/png", strings.Repeat("n", 1001), pngOf(t, 12)).want(t, http.StatusBadRequest).Problem(t)
		if !namesField(p.Errors, "name") {
			t.Errorf("errors %+v, want name", p.Errors)
		}
		var l imagePage
		srv.as(tok).get(images).want(t, http.StatusOK).JSON(t, &l)
		if len(l.Items) != 3 {
			t.Fatalf("refused uploads changed the list: %d images, want 3", len(l.Items))
		}
	})
	t.Run("editors only", func(t *testing.T) {
		g, err := srv.Models.Guides.Record(ctx, slug, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Models.Authoring.AddCoAuthor(ctx, g.ID, co.Email); err != nil {
			t.Fatal(err)
		}
		uploadImage(srv, srv.token(co, "read", "write"), slug, "image/png", "co.png", pngOf(t, 13)).want(t, http.StatusCreated)

		path := fmt.Sprint(images, "/", img.ID)
		srv.as("").get(images).want(t, http.StatusUnauthorized)
		uploadImage(srv, "", slug, "image/png", "x.png", pic).want(t, http.StatusUnauthorized)
		uploadImage(srv, srv.token(owner, "read"), slug, "image/png", "x.png", pngOf(t, 14)).want(t, http.StatusForbidden)
		srv.as(srv.token(owner, "write")).get(images).want(t, http.StatusForbidden)
		otherTok := srv.token(other, "read", "write")
		srv.as(otherTok).get(images).want(t, http.StatusForbidden)
		srv.as(otherTok).get(path).want(t, http.StatusForbidden)
		uploadImage(srv, otherTok, slug, "image/png", "x.png", pngOf(t, 14)).want(t, http.StatusForbidden)
		srv.as(otherTok).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(images).want(t, http.StatusForbidden)
		hidden, _ := srv.learnGuide(owner, false)
		srv.as(otherTok).get("/api/v1/guides/"+hidden+"/images").want(t, http.StatusNotFound)
		uploadImage(srv, otherTok, hidden, "image/png", "x.png", pngOf(t, 14)).want(t, http.StatusNotFound)
		srv.as(tok).get("/api/v1/guides/no-such-guide/images").want(t, http.StatusNotFound)
	})
	t.Run("another guide's image", func(t *testing.T) {
		second, _ := srv.learnGuide(owner, true)
		var theirs imageView
		uploadImage(srv, tok, second, "image/png", "same.png", pic).want(t, http.StatusCreated).JSON(t, &theirs)
		if theirs.ID == img.ID || theirs.URL != img.URL {
			t.Fatalf("got %+v, want a new row for the same file", theirs)
		}
		srv.as(tok).get(fmt.Sprint("/api/v1/guides/", second, "/images/", img.ID)).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).delete(fmt.Sprint("/api/v1/guides/", second, "/images/", img.ID)).want(t, http.StatusNotFound)
		srv.as(tok).get(images+"/999999").want(t, http.StatusNotFound)
		srv.as(tok).get(images+"/abc").want(t, http.StatusNotFound)
		// Deleting one guide's row keeps the file the other still has.
		theirPath := fmt.Sprint("/api/v1/guides/", second, "/images/", theirs.ID)
		theirTag := srv.as(tok).get(theirPath).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(tok).with("If-Match", theirTag).delete(theirPath).want(t, http.StatusNoContent)
		if _, err := files.Get(ctx, strings.TrimPrefix(img.URL, "/images/")); err != nil {
			t.Fatalf("a file another guide has was removed: %v", err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		path := fmt.Sprint(images, "/", img.ID)
		srv.as(tok).delete(path).want(t, http.StatusPreconditionRequired).Problem(t)
		srv.as(tok).with("If-Match", `"stale"`).delete(path).want(t, http.StatusPreconditionFailed).Problem(t)
		srv.as(srv.token(owner, "read")).with("If-Match", etag).delete(path).want(t, http.StatusForbidden)
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNoContent)
		srv.as(tok).get(path).want(t, http.StatusNotFound)
		srv.as(tok).with("If-Match", etag).delete(path).want(t, http.StatusNotFound)
		if _, err := files.Get(ctx, strings.TrimPrefix(img.URL, "/images/")); err == nil {
			t.Error("the file is still stored after its last row went")
		}
	})
}

func TestImagesPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner := srv.user(models.RoleAuthor)
	tok := srv.token(owner, "read", "write")
	slug, _ := draft(t, srv, tok, "Pictures")
	images := "/api/v1/guides/" + slug + "/images"

	var empty imagePage
	srv.as(tok).get(images).want(t, http.StatusOK).JSON(t, &empty)
	if empty.Items == nil || len(empty.Items) != 0 || empty.NextCursor != nil {
		t.Fatalf("no images: got %+v", empty)
	}
	var ids []int64
	for i := 1; i <= 5; i++ {
		var v imageView
		uploadImage(srv, tok, slug, "image/png", fmt.Sprintf("p%d.png", i), pngOf(t, uint8(i))).want(t, http.StatusCreated).JSON(t, &v)
		ids = append([]int64{v.ID}, ids...) // newest first
	}
	var seen []int64
	for _, img := range walkPages[imageView](t, srv.as(tok), images+"?limit=2", 2) {
		seen = append(seen, img.ID)
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("pages gave %v, want %v", seen, ids)
	}
	var exact imagePage
	srv.as(tok).get(images+"?limit=5").want(t, http.StatusOK).JSON(t, &exact)
	if len(exact.Items) != 5 || exact.NextCursor != nil {
		t.Fatalf("limit equal to the count: %d items, cursor %v; want 5 and none", len(exact.Items), exact.NextCursor)
	}
	for _, q := range []string{"limit=0", "limit=101", "cursor=bogus"} {
		srv.as(tok).get(images+"?"+q).want(t, http.StatusBadRequest).Problem(t)
	}
}
