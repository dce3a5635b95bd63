package handlers_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	wantStatus(t, c.get("/healthz"), http.StatusOK)
	wantStatus(t, c.get("/readyz"), http.StatusOK)
	_ = srv.DB.Close()
	wantStatus(t, c.get("/readyz"), http.StatusServiceUnavailable)
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := srv.client().get("/")
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Errorf("missing X-Content-Type-Options or Referrer-Policy")
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Errorf("missing X-Request-Id")
	}
	// No inline script or style anywhere on the page.
	doc := r.doc(t)
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok {
			t.Errorf("inline script found")
		}
	})
	if doc.Find("style, [style]").Length() != 0 {
		t.Errorf("inline style found")
	}
}

func TestOversizedBodyIsRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	big := strings.NewReader("email=" + strings.Repeat("a", 2<<20))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", big)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return // the server may close the connection mid-upload: refused
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d, want 413", resp.StatusCode)
	}
}

func TestStaticFilesAreHashedCachedAndCompressed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.client()
	href, _ := c.get("/").doc(t).Find(`link[rel="stylesheet"]`).First().Attr("href")
	if !strings.HasPrefix(href, "/static/css/app.") || href == "/static/css/app.css" {
		t.Fatalf("stylesheet URL %q is not content-hashed", href)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+href, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("Cache-Control: got %q, want immutable", got)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding: got %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), "{") {
		t.Errorf("decompressed CSS looks wrong: %.80q", body)
	}
	wantStatus(t, c.get("/static/nope.css"), http.StatusNotFound)
	js := c.get("/static/vendor/htmx/htmx.min.js")
	wantStatus(t, js, http.StatusOK)
	if !strings.Contains(js.Header.Get("Content-Type"), "javascript") {
		t.Errorf("htmx content type: %q", js.Header.Get("Content-Type"))
	}
}
