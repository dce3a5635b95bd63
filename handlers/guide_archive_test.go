package handlers_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io/fs"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"stepwise/handlers"
	"stepwise/models"
	"stepwise/models/guidezip"
)

// archiveZip writes files (name → content) as a zip.
func archiveZip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for n, body := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readExport downloads slug's export and reads it back.
func readExport(t *testing.T, c *client, slug string) models.GuideArchive {
	t.Helper()
	r := c.get("/author/guides/" + slug + "/export.zip")
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" || !strings.Contains(r.Header.Get("Content-Disposition"), slug+".zip") {
		t.Errorf("export headers: %q, %q", ct, r.Header.Get("Content-Disposition"))
	}
	a, err := guidezip.Read([]byte(r.Body))
	if err != nil {
		t.Fatalf("read the export of %s: %v", slug, err)
	}
	return a
}

func sameArchive(t *testing.T, what string, want, got models.GuideArchive) {
	t.Helper()
	w, g := want.Guide, got.Guide
	w.Slug, g.Slug = "", ""
	if !reflect.DeepEqual(w, g) {
		t.Errorf("%s: guide\n got %+v\nwant %+v", what, g, w)
	}
	if !reflect.DeepEqual(want.Steps, got.Steps) {
		t.Errorf("%s: the steps differ (%d and %d)", what, len(got.Steps), len(want.Steps))
	}
	if !reflect.DeepEqual(want.Images, got.Images) {
		t.Errorf("%s: the images differ (%d and %d)", what, len(got.Images), len(want.Images))
	}
}

// TestGuideExportImportRoundTrip: the built-in guide (with an image added)
// exported by an admin and imported by an author is the same guide, as a
// new draft the author owns; a taken slug is a 409 (a conflict, as in the API) with a suggestion.
func TestGuideExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	author := authorClient(t, srv, "ada@example.com", models.RoleAuthor)
	learner := authorClient(t, srv, "lee@example.com", models.RoleLearner)

	panel := "/author/guides/" + guidesSlug + "/images"
	wantStatus(t, admin.upload(panel, panel, "image", "diagram.png", imagesPNG(t, 6, 4, 7), nil), http.StatusSeeOther)
	original := readExport(t, admin, guidesSlug)
	if len(original.Steps) != 10 || len(original.Images) != 1 || original.Guide.Title == "" {
		t.Fatalf("export of the built-in guide: %d steps, %d images", len(original.Steps), len(original.Images))
	}
	if len(original.Steps[0].Quiz) == 0 {
		t.Errorf("the built-in guide's quizzes are not exported")
	}
	if r := author.get("/author/guides/" + guidesSlug + "/export.zip"); r.StatusCode != http.StatusForbidden {
		t.Errorf("an author exports someone else's guide: %d, want 403", r.StatusCode)
	}
	zipped := admin.get("/author/guides/" + guidesSlug + "/export.zip").Body

	// Import with the slug taken: 409 (a conflict, as in the API), the form suggests a free one.
	wantStatus(t, author.get("/author/import"), http.StatusOK)
	r := author.upload("/author/import", "/author/import", "archive", "guide.zip", []byte(zipped), nil)
	wantStatus(t, r, http.StatusConflict)
	suggestion, _ := r.doc(t).Find(`input[name="slug"]`).Attr("value")
	if suggestion != guidesSlug+"-2" || !strings.Contains(r.testid(t, "slug-error").Text(), "exists already") {
		t.Errorf("conflict: suggestion %q, message %q", suggestion, r.testid(t, "slug-error").Text())
	}
	r = author.upload("/author/import", "/author/import", "archive", "guide.zip", []byte(zipped), map[string]string{"slug": suggestion})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/author/guides/"+suggestion {
		t.Errorf("after import: Location %q", loc)
	}
	imported := readExport(t, author, suggestion)
	sameArchive(t, "export → import → export", original, imported)

	// A draft owned by the importer, invisible to others.
	g, err := srv.Models.Guides.Record(t.Context(), suggestion, 0)
	if err != nil || g.Guide.PublishedAt != nil || g.Guide.AuthorID == nil || *g.Guide.AuthorID != mustUser(t, srv, "ada@example.com").ID {
		t.Errorf("imported guide: %+v, %v; want a draft owned by the importer", g.Guide, err)
	}
	if r := learner.get("/guides/" + suggestion); r.StatusCode != http.StatusNotFound {
		t.Errorf("a learner sees the imported draft: %d", r.StatusCode)
	}
	if r := learner.get("/author/guides/" + suggestion + "/export.zip"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a learner exports the imported draft: %d, want 404", r.StatusCode)
	}
	// Learners may not import.
	if r := learner.get("/author/import"); r.StatusCode != http.StatusForbidden {
		t.Errorf("learner import form: %d, want 403", r.StatusCode)
	}
	if r := learner.upload("/author/import", "/account", "archive", "guide.zip", []byte(zipped), map[string]string{"slug": "mine"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("learner import: %d, want 403", r.StatusCode)
	}
}

// TestImportRefusesHostileArchives: every malformed archive is a 422 that
// says what is wrong, and creates nothing.
func TestImportRefusesHostileArchives(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	author := authorClient(t, srv, "ada@example.com", models.RoleAuthor)
	guide := "---\nslug: hostile\ntitle: Hostile\ndifficulty: beginner\n---\nIntro\n"
	step := "---\ntitle: S\n---\nBody\n"
	symlink := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("guide.md")
		_, _ = w.Write([]byte(guide))
		h := &zip.FileHeader{Name: "01-link.md"}
		h.SetMode(fs.ModeSymlink | 0o777)
		w, _ = zw.CreateHeader(h)
		_, _ = w.Write([]byte("/etc/passwd"))
		_ = zw.Close()
		return b.Bytes()
	}
	// A zip bomb: 4 MiB of zeros (a few KiB compressed) in one step file,
	// honestly declared or declared as 10 bytes.
	bomb := func(declared uint64) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("guide.md")
		_, _ = w.Write([]byte(guide))
		data := make([]byte, 4<<20)
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		_, _ = fw.Write(data)
		_ = fw.Close()
		if declared == 0 {
			declared = uint64(len(data))
		}
		w, _ = zw.CreateRaw(&zip.FileHeader{Name: "01-bomb.md", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
		_, _ = w.Write(comp.Bytes())
		_ = zw.Close()
		return b.Bytes()
	}
	many := map[string]string{"guide.md": guide}
	for i := 0; i <= guidezip.MaxFiles; i++ {
		many[fmt.Sprintf("%03d-s.md", i)] = step
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"zip bomb", bomb(0), "too large"},
		{"zip bomb with a lying header", bomb(10), "could not be read"},
		{"traversal", archiveZip(t, map[string]string{"guide.md": guide, "../../01-s.md": step}), "unsafe file name"},
		{"absolute path", archiveZip(t, map[string]string{"guide.md": guide, "/tmp/01-s.md": step}), "unsafe file name"},
		{"backslash", archiveZip(t, map[string]string{"guide.md": guide, `..\..\01-s.md`: step}), "unsafe file name"},
		{"symlink", symlink(), "symbolic link"},
		{"too many files", archiveZip(t, many), "more than 500 files"},
		{"missing guide.md", archiveZip(t, map[string]string{"01-s.md": step}), "no guide.md"},
		{"bad yaml", archiveZip(t, map[string]string{"guide.md": "---\ntitle: [oops\n---\n"}), "front matter"},
		{"missing title", archiveZip(t, map[string]string{"guide.md": "---\nslug: x\n---\n"}), "title"},
		{"invalid difficulty", archiveZip(t, map[string]string{"guide.md": "---\nslug: x\ntitle: X\ndifficulty: <script>alert(1)</script>\n---\n"}), "difficulty"},
		{"bad quiz", archiveZip(t, map[string]string{"guide.md": guide, "01-s.md": "---\ntitle: S\nquiz:\n  - question: Q\n    kind: nonsense\n---\n"}), "question 1"},
		{"executable", archiveZip(t, map[string]string{"guide.md": guide, "run.sh": "#!/bin/sh"}), "neither Markdown"},
		{"not a zip", []byte("hello"), "not a readable zip"},
		{"text as image", archiveZip(t, map[string]string{"guide.md": guide, "images/x.png": "text"}), "x.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := author.upload("/author/import", "/author/import", "archive", "a.zip", tc.data, nil)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if msg := r.testid(t, "archive-error").Text() + r.testid(t, "slug-error").Text(); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to mention %q", msg, tc.want)
			}
			if strings.Contains(r.Body, "<script>alert(1)</script>") {
				t.Errorf("the message echoes markup unescaped")
			}
		})
	}
	// A hostile slug field, and no file.
	r := author.upload("/author/import", "/author/import", "", "", nil, map[string]string{"slug": "../../etc"})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r = author.upload("/author/import", "/author/import", "", "", nil, nil)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	// Over the route's own limit: refused before the handler (413, or the
	// connection closed mid-upload).
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", author.csrf("/author/import"))
	fw, _ := mw.CreateFormFile("archive", "a.zip")
	_, _ = fw.Write(make([]byte, handlers.ImportBodyLimit))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/author/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, err := author.http.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("import over the limit: got %d, want 413", resp.StatusCode)
		}
	}

	var n int
	if err := srv.DB.Get(t.Context(), &n, `SELECT count(*) FROM guides WHERE author_id IS NOT NULL`); err != nil || n != 0 {
		t.Errorf("guides created by refused imports: %d (%v)", n, err)
	}
}

// TestUploadRoutesKeepTheirLimitsApart: the raised limits apply to their
// own routes only; every other form still refuses more than 1 MiB.
func TestUploadRoutesKeepTheirLimitsApart(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	for _, path := range []string{"/login", "/author/guides/" + guidesSlug, "/author/guides/" + guidesSlug + "/images/1/delete", "/author/guides/x/y/images", "/author/importx"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader("x="+strings.Repeat("a", 2<<20)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := admin.http.Do(req)
		if err != nil {
			continue // connection closed mid-upload: refused
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with 2 MiB: got %d, want 413", path, resp.StatusCode)
		}
	}
	// The app as a whole refuses more than the largest limit early.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/author/import", strings.NewReader(strings.Repeat("a", handlers.ImportBodyLimit+1)))
	req.Header.Set("Content-Type", "application/octet-stream")
	if resp, err := admin.http.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("POST /author/import over its limit: got %d, want 413", resp.StatusCode)
		}
	}
}

// TestUploadFormsWithHostileInput is the security suite for the two
// multipart forms (the suite's own form loop sends url-encoded bodies and
// 2 MiB, which these routes accept): hostile slugs and file names, and
// multipart posts without a valid CSRF token. None succeeds, none is a
// 500, nothing is echoed unescaped.
func TestUploadFormsWithHostileInput(t *testing.T) {
	t.Parallel()
	srv := newImageServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	panel := "/author/guides/" + guidesSlug + "/images"
	zipped := admin.get("/author/guides/" + guidesSlug + "/export.zip").Body
	check := func(what string, r *response) {
		t.Helper()
		if r.StatusCode >= 500 {
			t.Errorf("%s: status %d", what, r.StatusCode)
		}
		for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"} {
			if strings.Contains(r.Body, raw) {
				t.Errorf("%s: response echoes %q unescaped", what, raw)
			}
		}
	}
	for name, v := range hostile {
		r := admin.upload("/author/import", "/author/import", "archive", v, []byte(zipped), map[string]string{"slug": v})
		check("import with slug "+name, r)
		if r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest { // NUL: unreadable multipart
			t.Errorf("import with slug %s: got %d, want 422", name, r.StatusCode)
		}
		r = admin.upload(panel, panel, "image", v, imagesPNG(t, 1, 1, 5), nil)
		check("upload named "+name, r)
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusBadRequest {
			t.Errorf("upload named %s: got %d, want 303 (the name is only shown)", name, r.StatusCode)
		}
	}
	check("images panel with hostile names", admin.get(panel))
	for _, path := range []string{panel, "/author/import"} {
		for name, tok := range map[string]string{"missing": "", "forged": "forged-token"} {
			fields := map[string]string{}
			if tok != "" {
				fields["csrf_token"] = tok
			}
			r := admin.upload(path, "", "image", "a.png", imagesPNG(t, 1, 1, 6), fields)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with a %s token: got %d, want 403", path, name, r.StatusCode)
			}
		}
	}
}
