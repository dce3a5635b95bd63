package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"stepwise/handlers"
	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
)

// imagesPNG is a w×h PNG whose first pixel is shade, so PNGs differ.
func imagesPNG(t testing.TB, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: shade, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imagesWebP is a 1×1 lossless WebP (Go has no WebP encoder).
var imagesWebP, _ = base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")

// imagesHugePNG is a PNG whose header claims w×h (no pixel data follows).
func imagesHugePNG(t testing.TB, w, h int) []byte {
	b := imagesPNG(t, 1, 1, 1)
	put := func(off, v int) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, w)
	put(20, h)
	put(29, int(crc32.ChecksumIEEE(b[12:29]))) // IHDR's CRC: type and data
	return b
}

// upload posts a multipart form with one file and the page's CSRF token.
func (c *client) upload(path, tokenFrom, field, filename string, data []byte, fields map[string]string) *response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if tokenFrom != "" {
		_ = mw.WriteField("csrf_token", c.csrf(tokenFrom))
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if field != "" {
		fw, _ := mw.CreateFormFile(field, filename)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// authorClient signs up email and gives it role.
func authorClient(t *testing.T, srv *server, email, role string) *client {
	t.Helper()
	c := srv.client()
	c.signup(email, strings.Split(email, "@")[0], strongPassword)
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, email).ID, role); err != nil {
		t.Fatal(err)
	}
	return c
}

// draftGuide stores a draft guide with one step owned by email.
func draftGuide(t *testing.T, srv *server, slug, email string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := srv.DB.GetWrite(ctx, &id, `
		INSERT INTO guides (slug, title, summary, difficulty, author_id, created_at, updated_at)
		VALUES (?, ?, 'A draft.', 'beginner', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id`,
		slug, "Draft "+slug, mustUser(t, srv, email).ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.DB.Exec(ctx, `
		INSERT INTO steps (guide_id, position, title, body_md, body_html, created_at, updated_at)
		VALUES (?, 1, 'First', 'Hello', '<p>Hello</p>', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func newImageServer(t *testing.T) *server {
	t.Helper()
	return newServer(t, func(d *root.Config) {
		s, err := imagestore.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		d.ImageStore = s
	})
}

func TestImageUploadServeAndDelete(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	author := authorClient(t, srv, "ada@example.com", models.RoleAuthor)
	other := authorClient(t, srv, "bob@example.com", models.RoleAuthor)
	learner := authorClient(t, srv, "lee@example.com", models.RoleLearner)
	anon := srv.client()
	draftGuide(t, srv, "pictures", "ada@example.com")
	panel := "/author/guides/pictures/images"

	page := author.get(panel)
	wantStatus(t, page, http.StatusOK)
	if page.testid(t, "no-images").Length() != 1 {
		t.Errorf("empty panel: want the no-images message")
	}

	var jp, gf bytes.Buffer
	src := image.NewRGBA(image.Rect(0, 0, 4, 3))
	_ = jpeg.Encode(&jp, src, nil)
	_ = gif.Encode(&gf, src, nil)
	for _, up := range []struct {
		name string
		data []byte
		ext  string
	}{
		{"diagram.png", imagesPNG(t, 10, 8, 1), ".png"},
		{"photo.jpeg", jp.Bytes(), ".jpg"},
		{"anim.gif", gf.Bytes(), ".gif"},
		{"modern.webp", imagesWebP, ".webp"},
		{"renamed.jpg", imagesPNG(t, 2, 2, 2), ".png"}, // a PNG named .jpg is a PNG
	} {
		r := author.upload(panel, panel, "image", up.name, up.data, nil)
		wantStatus(t, r, http.StatusSeeOther)
		page := author.get(panel)
		var found bool
		page.testid(t, "image-markdown").Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr("value")
			found = found || strings.HasSuffix(v, up.ext+")") && strings.HasPrefix(v, "!["+strings.TrimSuffix(up.name, up.name[strings.LastIndex(up.name, "."):])+"](/images/")
		})
		if !found {
			t.Errorf("%s: no Markdown snippet ending in %s", up.name, up.ext)
		}
	}
	if n := author.get(panel).testid(t, "image-item").Length(); n != 5 {
		t.Errorf("images listed: got %d, want 5", n)
	}

	// Refusals: a 422 with the reason, the panel kept, nothing stored.
	for _, bad := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"text named .png", "notes.png", []byte("just some text, not a picture"), "only PNG, JPEG, GIF and WebP"},
		{"svg", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "only PNG"},
		{"too many pixels", "huge.png", imagesHugePNG(t, 7000, 7000), "40 megapixels"},
		{"too wide", "wide.png", imagesHugePNG(t, 9000, 100), "8000×8000"},
		{"just over 5 MB", "big.png", append(imagesPNG(t, 1, 1, 3), make([]byte, imagestore.MaxBytes)...), "larger than 5 MB"},
		{"no file", "", nil, "Choose an image"},
	} {
		field := "image"
		if bad.file == "" {
			field = ""
		}
		r := author.upload(panel, panel, field, bad.file, bad.data, nil)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if msg := r.testid(t, "image-error").Text(); !strings.Contains(msg, bad.want) {
			t.Errorf("%s: message %q, want it to mention %q", bad.name, msg, bad.want)
		}
	}
	// Far too large: refused by the body limit before the handler.
	r := author.upload(panel, panel, "image", "huge.png", make([]byte, handlers.ImageBodyLimit+1), nil)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	if n := author.get(panel).testid(t, "image-item").Length(); n != 5 {
		t.Errorf("after refusals: got %d images, want 5", n)
	}

	// Serving: the draft's images only to its editors.
	md, _ := author.get(panel).testid(t, "image-markdown").First().Attr("value")
	imgURL := md[strings.Index(md, "(")+1 : len(md)-1]
	got := author.get(imgURL)
	wantStatus(t, got, http.StatusOK)
	ct := got.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "image/") || got.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(got.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
		!strings.HasPrefix(got.Header.Get("Cache-Control"), "private") {
		t.Errorf("draft image headers: %v", got.Header)
	}
	for name, c := range map[string]*client{"visitor": anon, "learner": learner, "other author": other} {
		if r := c.get(imgURL); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s gets a draft's image: %d, want 404", name, r.StatusCode)
		}
		if r := c.get(panel); r.StatusCode != http.StatusNotFound && !(name == "visitor" && r.StatusCode == http.StatusSeeOther) {
			t.Errorf("%s opens a draft's images panel: %d", name, r.StatusCode)
		}
		if name != "visitor" {
			if r := c.upload(panel, "/account", "image", "x.png", imagesPNG(t, 1, 1, 9), nil); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s uploads to a draft: %d, want 404", name, r.StatusCode)
			}
		}
	}
	for _, bad := range []string{"/images/../../go.mod", "/images/" + strings.Repeat("0", 64) + ".png", "/images/%3Cscript%3E.png", "/images/" + strings.Repeat("a", 64) + ".svg"} {
		if r := author.get(bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.StatusCode)
		}
	}

	// Published: everyone, cached for a year.
	if _, err := srv.DB.Exec(context.Background(), `UPDATE guides SET published_at = CURRENT_TIMESTAMP WHERE slug = 'pictures'`); err != nil {
		t.Fatal(err)
	}
	got = anon.get(imgURL)
	wantStatus(t, got, http.StatusOK)
	if cc := got.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("published image Cache-Control: %q", cc)
	}
	// A published guide's panel: others are forbidden, not shown it.
	if r := other.get(panel); r.StatusCode != http.StatusForbidden {
		t.Errorf("other author on a published guide's panel: %d, want 403", r.StatusCode)
	}

	// Delete: only an editor, and the file goes with its last use.
	action, _ := author.get(panel).doc(t).Find(`form[action$="/delete"]`).First().Attr("action")
	for name, c := range map[string]*client{"learner": learner, "other author": other} {
		if r := c.post(action, formWithToken(c, "/account")); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s deletes: %d, want 403", name, r.StatusCode)
		}
	}
	r = author.post(action, formWithToken(author, panel))
	wantStatus(t, r, http.StatusSeeOther)
	if n := author.get(panel).testid(t, "image-item").Length(); n != 4 {
		t.Errorf("after delete: %d images, want 4", n)
	}
	if r := author.post(action, formWithToken(author, panel)); r.StatusCode != http.StatusNotFound {
		t.Errorf("delete twice: %d, want 404", r.StatusCode)
	}
}

// formWithToken is a form holding only the CSRF token of the page at from.
func formWithToken(c *client, from string) url.Values {
	c.t.Helper()
	return url.Values{"csrf_token": {c.csrf(from)}}
}

// TestImagesPanelAndExportRunAFixedNumberOfQueries: the panel costs the
// same with 1 image as with 6, and the export the same SQL whatever the
// number of steps and images (their files come from the store).
func TestImagesPanelAndExportRunAFixedNumberOfQueries(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	author := authorClient(t, srv, "ada@example.com", models.RoleAuthor)
	draftGuide(t, srv, "few", "ada@example.com")
	id := draftGuide(t, srv, "many", "ada@example.com")
	for i := 2; i <= 30; i++ {
		if _, err := srv.DB.Exec(context.Background(), `
			INSERT INTO steps (guide_id, position, title, body_md, body_html, created_at, updated_at)
			VALUES (?, ?, 'S', 'B', '<p>B</p>', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, id, i); err != nil {
			t.Fatal(err)
		}
	}
	for slug, n := range map[string]int{"few": 1, "many": 6} {
		panel := "/author/guides/" + slug + "/images"
		for i := 0; i < n; i++ {
			wantStatus(t, author.upload(panel, panel, "image", "p.png", imagesPNG(t, 1, 1, uint8(10+i)), nil), http.StatusSeeOther)
		}
	}
	count := func(path string) int64 {
		before := srv.DB.QueryCount()
		wantStatus(t, author.get(path), http.StatusOK)
		return srv.DB.QueryCount() - before
	}
	for _, suffix := range []string{"/images", "/export.zip"} {
		small, large := count("/author/guides/few"+suffix), count("/author/guides/many"+suffix)
		if small != large || small > 10 {
			t.Errorf("%s: %d queries for the small guide, %d for the large one", suffix, small, large)
		}
	}
}
