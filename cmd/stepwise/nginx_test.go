package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// freePort is a loopback port nothing listens on at the moment.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var hashedCSSRE = regexp.MustCompile(`href="(/static/css/app\.[0-9a-f]+\.css)"`)

// deploy/nginx.conf runs as written in front of a real instance, only its
// paths and ports changed: plain HTTP redirects to HTTPS, pages arrive
// over TLS with the instance believing nginx's X-Forwarded-Proto (it
// sends HSTS), a hashed static file is served from nginx's cache the
// second time, and when one of two instances stops, every page is still
// answered, by the other.
func TestNginxConfigInFrontOfAnInstance(t *testing.T) {
	t.Parallel()
	// Two instances (each on its own SQLite file: this test is about
	// nginx, not about sharing a database).
	appA, _, stopA := startServe(t, filepath.Join(t.TempDir(), "a.db"), "-trusted-proxies", "127.0.0.1")
	appB, _, stopB := startServe(t, filepath.Join(t.TempDir(), "b.db"), "-trusted-proxies", "127.0.0.1")
	defer func() { _ = stopB() }()
	front := startNginx(t, strings.TrimPrefix(appA, "http://"), strings.TrimPrefix(appB, "http://"))
	client, base, httpAddr := front.client, front.base, front.httpAddr

	resp, err := client.Get(base + "/")
	if err != nil {
		t.Fatalf("GET / through nginx: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("GET / through nginx: %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS: the instance did not believe nginx's X-Forwarded-Proto")
	}

	r, err := client.Get("http://" + httpAddr + "/guides?x=1")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(loc, "https://") || !strings.HasSuffix(loc, "/guides?x=1") {
		t.Errorf("plain HTTP: %d to %q, want 301 to the same path over https", r.StatusCode, loc)
	}

	css := hashedCSSRE.FindSubmatch(page)
	if css == nil {
		t.Fatal("no hashed stylesheet on the home page")
	}
	for i, want := range []string{"MISS", "HIT"} {
		r, err := client.Get(base + string(css[1]))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if got := r.Header.Get("X-Cache-Status"); r.StatusCode != http.StatusOK || got != want {
			t.Errorf("stylesheet, request %d: %d, cache %q, want 200 and %s", i+1, r.StatusCode, got, want)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("stylesheet Cache-Control %q", cc)
		}
	}

	if err := stopA(); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		r, err := client.Get(base + "/guides/backend-web-development")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("request %d after one instance stopped: %d", i+1, r.StatusCode)
		}
	}
}
