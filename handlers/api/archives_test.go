package api_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"stepwise/handlers"
	"stepwise/models"
	"stepwise/models/guidezip"
)

// zipEntry is a file for zipOf; a zero mode is a plain file.
type zipEntry struct {
	name, body string
	mode       fs.FileMode
}

// zipOf writes entries as a zip archive, in order.
func zipOf(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// unzipFiles reads an archive's files by name.
func unzipFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// zipNames lists an archive's file names in order.
func zipNames(files map[string][]byte) []string {
	var out []string
	for k := range files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// importZip POSTs data to /api/v1/guides/import (with query, if any).
func importZip(srv *server, tok, query string, data []byte) *response {
	srv.t.Helper()
	return srv.as(tok).with("Content-Type", "application/zip").post("/api/v1/guides/import"+query, data)
}

// postHeadersOnly sends a POST whose Content-Length is size without
// sending the body, as the server refuses an oversized body from its
// headers alone (and closes the connection, which a client still writing
// the body would see as an error), and checks the answer against the
// document.
func postHeadersOnly(t *testing.T, srv *server, tok, path, contentType string, size int) *response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		path, req.Host, tok, contentType, size)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &response{Response: res, Body: body}
	checkContract(t, req, r)
	return r
}

func guideCount(t *testing.T, srv *server) int {
	t.Helper()
	var n int
	if err := srv.DB.Get(context.Background(), &n, `SELECT count(*) FROM guides`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGuideExportImport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	owner, other := srv.user(models.RoleAuthor), srv.user(models.RoleAuthor)
	tok, otherTok := srv.token(owner, "read", "write"), srv.token(other, "read", "write")

	// A guide with settings, tags, an image, two steps and a quiz.
	slug, etag := draft(t, srv, tok, "Round trip")
	base := "/api/v1/guides/" + slug
	srv.as(tok).with("If-Match", etag).patch(base, map[string]any{
		"summary": "There and back.", "minutes": 30, "tags": []string{"go", "zip"}, "intro_markdown": "Welcome.",
	}).want(t, http.StatusOK)
	var img imageView
	uploadImage(srv, tok, slug, "image/png", "map.png", pngOf(t, 3)).want(t, http.StatusCreated).JSON(t, &img)
	srv.as(tok).post(base+"/steps", map[string]any{"title": "Set up", "body_markdown": "Install it.\n\n" + img.Markdown}).want(t, http.StatusCreated)
	srv.as(tok).post(base+"/steps", map[string]any{"title": "Ship", "body_markdown": "Ship it."}).want(t, http.StatusCreated)
	srv.as(tok).post(base+"/steps/1/quiz/questions", map[string]any{
		"kind": "single", "prompt": "Installed?", "explanation": "Yes.",
		"choices": []map[string]any{{"text": "Yes", "correct": true}, {"text": "No", "correct": false}},
	}).want(t, http.StatusCreated)

	var archive map[string][]byte
	var raw []byte
	t.Run("export", func(t *testing.T) {
		r := srv.as(tok).get(base+"/export").want(t, http.StatusOK)
		if got := r.Header.Get("Content-Type"); got != "application/zip" {
			t.Errorf("Content-Type: got %q, want application/zip", got)
		}
		if got, want := r.Header.Get("Content-Disposition"), `attachment; filename="round-trip.zip"`; got != want {
			t.Errorf("Content-Disposition: got %q, want %q", got, want)
		}
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
		raw = r.Body
		archive = unzipFiles(t, raw)
		want := []string{"round-trip/01-set-up.md", "round-trip/02-ship.md", "round-trip/guide.md", "round-trip/images/" + strings.TrimPrefix(img.URL, "/images/")}
		if got := zipNames(archive); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("files: got %v, want %v", got, want)
		}
		if !bytes.Equal(archive[want[3]], pngOf(t, 3)) {
			t.Error("the archive's image differs from the upload")
		}
		if s := string(archive["round-trip/01-set-up.md"]); !strings.Contains(s, "Installed?") || !strings.Contains(s, img.URL) {
			t.Errorf("step 1 lacks its quiz or image:\n%s", s)
		}
	})
	t.Run("the address is taken", func(t *testing.T) {
		taken, _ := draft(t, srv, tok, "Taken")
		before := guideCount(t, srv)
		p := importZip(srv, otherTok, "", raw).want(t, http.StatusConflict).Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "slug" || !strings.Contains(p.Errors[0].Detail, "round-trip-2") {
			t.Errorf("errors %+v, want slug with round-trip-2 suggested", p.Errors)
		}
		// So is an address given in ?slug=.
		p = importZip(srv, otherTok, "?slug="+taken, raw).want(t, http.StatusConflict).Problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "slug" || !strings.Contains(p.Errors[0].Detail, taken+"-2") {
			t.Errorf("errors %+v, want slug with %s-2 suggested", p.Errors, taken)
		}
		if guideCount(t, srv) != before {
			t.Error("a refused import created a guide")
		}
	})
	t.Run("import", func(t *testing.T) {
		r := importZip(srv, otherTok, "?slug=round-trip-2", raw).want(t, http.StatusCreated)
		if got := r.Header.Get("Location"); got != "/api/v1/guides/round-trip-2" {
			t.Fatalf("Location: got %q", got)
		}
		var g struct {
			Slug, Title, Summary, Status string
			Minutes                      int
			Tags                         []string
			StepCount                    int     `json:"step_count"`
			IntroMarkdown                *string `json:"intro_markdown"`
			Author                       struct{ ID int64 }
		}
		r.JSON(t, &g)
		// Markdown comes back with the newline that ends its file in the
		// archive (models.ParseFrontMatter); exports trim it, so a second
		// round trip gives the same archive (checked below).
		if g.Slug != "round-trip-2" || g.Title != "Round trip" || g.Summary != "There and back." || g.Status != "draft" ||
			g.Minutes != 30 || strings.Join(g.Tags, ",") != "go,zip" || g.StepCount != 2 || g.Author.ID != other.ID ||
			g.IntroMarkdown == nil || strings.TrimSpace(*g.IntroMarkdown) != "Welcome." {
			t.Fatalf("imported guide: %+v", g)
		}
		if got := srv.as(otherTok).get(r.Header.Get("Location")).want(t, http.StatusOK).Header.Get("ETag"); got != r.Header.Get("ETag") {
			t.Errorf("GET ETag %q differs from the import's %q", got, r.Header.Get("ETag"))
		}
		// A draft: its importer's, nobody else's.
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get(r.Header.Get("Location")).want(t, http.StatusNotFound)
		var s struct {
			BodyMarkdown string `json:"body_markdown"`
		}
		srv.as(otherTok).get("/api/v1/guides/round-trip-2/steps/1").want(t, http.StatusOK).JSON(t, &s)
		if strings.TrimSpace(s.BodyMarkdown) != "Install it.\n\n"+img.Markdown {
			t.Errorf("step 1: got %q", s.BodyMarkdown)
		}
		var q quizView
		srv.as(otherTok).get("/api/v1/guides/round-trip-2/steps/1/quiz").want(t, http.StatusOK).JSON(t, &q)
		if len(q.Questions) != 1 {
			t.Errorf("quiz: got %d questions, want 1", len(q.Questions))
		}
		var imgs imagePage
		srv.as(otherTok).get("/api/v1/guides/round-trip-2/images").want(t, http.StatusOK).JSON(t, &imgs)
		if len(imgs.Items) != 1 || imgs.Items[0].URL != img.URL {
			t.Errorf("images: got %+v, want the one at %s", imgs.Items, img.URL)
		}
	})
	t.Run("the copy exports as the original did", func(t *testing.T) {
		again := unzipFiles(t, srv.as(otherTok).get("/api/v1/guides/round-trip-2/export").want(t, http.StatusOK).Body)
		if len(again) != len(archive) {
			t.Fatalf("files: got %v, want %v", zipNames(again), zipNames(archive))
		}
		for name, want := range archive {
			got, ok := again["round-trip-2/"+strings.TrimPrefix(name, "round-trip/")]
			if name == "round-trip/guide.md" {
				want = bytes.Replace(want, []byte("slug: round-trip\n"), []byte("slug: round-trip-2\n"), 1)
			}
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
			}
		}
	})
	t.Run("export refused", func(t *testing.T) {
		srv.as("").get(base+"/export").want(t, http.StatusUnauthorized)
		srv.as(srv.token(owner, "write")).get(base+"/export").want(t, http.StatusForbidden)
		// A draft is not there for others; a published guide is not theirs to export.
		srv.as(otherTok).get(base+"/export").want(t, http.StatusNotFound)
		published, _ := srv.learnGuide(owner, true)
		srv.as(otherTok).get("/api/v1/guides/"+published+"/export").want(t, http.StatusForbidden)
		srv.as(srv.token(srv.user(models.RoleLearner), "read")).get("/api/v1/guides/"+published+"/export").want(t, http.StatusForbidden)
		srv.as(tok).get("/api/v1/guides/no-such-guide/export").want(t, http.StatusNotFound)
	})
}

func TestImportRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	author := srv.user(models.RoleAuthor)
	tok := srv.token(author, "read", "write")
	guideMD := "---\nslug: imported\ntitle: Imported\nsummary: From a zip.\ndifficulty: beginner\nminutes: 5\n---\nHello.\n"
	good := zipOf(t, zipEntry{name: "imported/guide.md", body: guideMD}, zipEntry{name: "imported/01-one.md", body: "---\ntitle: One\n---\nStep one.\n"})
	before := guideCount(t, srv)

	t.Run("who may", func(t *testing.T) {
		importZip(srv, "", "", good).want(t, http.StatusUnauthorized)
		importZip(srv, srv.token(author, "read"), "", good).want(t, http.StatusForbidden)
		importZip(srv, srv.token(srv.user(models.RoleLearner), "read", "write"), "", good).want(t, http.StatusForbidden)
	})
	t.Run("content type", func(t *testing.T) {
		for _, ct := range []string{"", "application/json", "application/octet-stream", "application/x-zip-compressed", "text/plain"} {
			srv.as(tok).with("Content-Type", ct).post("/api/v1/guides/import", good).want(t, http.StatusUnsupportedMediaType).Problem(t)
		}
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, err := mw.CreateFormFile("archive", "guide.zip")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(good); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		srv.as(tok).with("Content-Type", mw.FormDataContentType()).post("/api/v1/guides/import", form.Bytes()).
			want(t, http.StatusUnsupportedMediaType).Problem(t)
		srv.as(tok).with("Content-Type", "application/zip").with("Content-Encoding", "gzip").post("/api/v1/guides/import", good).
			want(t, http.StatusUnsupportedMediaType).Problem(t)
	})
	t.Run("slug parameter", func(t *testing.T) {
		for _, q := range []string{"?slug=Not+A+Slug", "?slug=a--b", "?slug=" + strings.Repeat("a", models.SlugMaxLen+1)} {
			p := importZip(srv, tok, q, good).want(t, http.StatusBadRequest).Problem(t)
			if !namesField(p.Errors, "slug") {
				t.Errorf("%s: errors %+v, want slug", q, p.Errors)
			}
		}
	})
	t.Run("hostile or broken archives", func(t *testing.T) {
		files501 := []zipEntry{{name: "imported/guide.md", body: guideMD}}
		for i := 0; i < guidezip.MaxFiles; i++ {
			files501 = append(files501, zipEntry{name: fmt.Sprintf("imported/%03d-s.md", i), body: "---\ntitle: S\n---\n"})
		}
		guide := zipEntry{name: "imported/guide.md", body: guideMD}
		for _, tc := range []struct {
			name string
			data []byte
			says string // a word of the refusal, so it is refused for its reason
		}{
			{"empty", []byte{}, "not a readable zip"},
			{"not a zip", []byte("PK\x03\x04 but not really"), "not a readable zip"},
			{"path escapes", zipOf(t, guide, zipEntry{name: "../../etc/cron.d/x.md", body: "x"}), "unsafe file name"},
			{"absolute", zipOf(t, zipEntry{name: "/imported/guide.md", body: guideMD}), "unsafe file name"},
			{"backslash", zipOf(t, zipEntry{name: "imported\\..\\guide.md", body: guideMD}), "unsafe file name"},
			{"symlink", zipOf(t, guide, zipEntry{name: "imported/01-one.md", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}), "symbolic link"},
			{"script", zipOf(t, guide, zipEntry{name: "imported/run.sh", body: "rm -rf /"}), "neither Markdown"},
			{"huge step", zipOf(t, guide, zipEntry{name: "imported/01-big.md", body: strings.Repeat("a", guidezip.MaxMarkdown+1)}), "too large"},
			{"fake image", zipOf(t, guide, zipEntry{name: "imported/images/x.png", body: "<svg onload=alert(1)>"}), "refused"},
			{"too many files", zipOf(t, files501...), "more than 500 files"},
			{"two guides", zipOf(t, zipEntry{name: "a/guide.md", body: guideMD}, zipEntry{name: "b/guide.md", body: guideMD}), "more than one guide.md"},
			{"no guide", zipOf(t, zipEntry{name: "imported/01-one.md", body: "---\ntitle: One\n---\n"}), "no guide.md"},
			{"bad front matter", zipOf(t, zipEntry{name: "imported/guide.md", body: "---\nslug: [unclosed\n---\n"}), "front matter"},
			{"bad settings", zipOf(t, zipEntry{name: "imported/guide.md", body: "---\nslug: imported\ntitle: Imported\ndifficulty: expert\n---\n"}), "difficulty"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := importZip(srv, tok, "", tc.data).want(t, http.StatusUnprocessableEntity).Problem(t)
				if len(p.Errors) != 1 || p.Errors[0].Field != "archive" || !strings.Contains(p.Errors[0].Detail, tc.says) {
					t.Errorf("errors %+v, want one on archive saying %q", p.Errors, tc.says)
				}
			})
		}
	})
	t.Run("too large", func(t *testing.T) {
		postHeadersOnly(t, srv, tok, "/api/v1/guides/import", "application/zip", handlers.ImportBodyLimit+1).
			want(t, http.StatusRequestEntityTooLarge).Problem(t)
	})
	if got := guideCount(t, srv); got != before {
		t.Fatalf("refused imports created %d guides", got-before)
	}
	t.Run("a good one is accepted", func(t *testing.T) {
		r := importZip(srv, tok, "", good).want(t, http.StatusCreated)
		if m := r.Map(t); m["slug"] != "imported" || m["step_count"] != float64(1) || m["status"] != "draft" {
			t.Fatalf("imported: %v", m)
		}
	})
}
