package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/sbin/nginx"} {
			if _, err := os.Stat(p); err == nil {
				nginx = p
			}
		}
	}
	if nginx == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx not found; install Debian's nginx (.ci/run does)")
		}
		t.Skip("nginx not found; install nginx to run deploy/nginx.conf in a test")
	}
	site, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	// Two instances (each on its own SQLite file: this test is about
	// nginx, not about sharing a database).
	appA, _, stopA := startServe(t, filepath.Join(t.TempDir(), "a.db"), "-trusted-proxies", "127.0.0.1")
	appB, _, stopB := startServe(t, filepath.Join(t.TempDir(), "b.db"), "-trusted-proxies", "127.0.0.1")
	defer func() { _ = stopB() }()

	dir := t.TempDir()
	cert, key, pool := writeSelfSigned(t)
	httpAddr, httpsAddr := freePort(t), freePort(t)
	conf := string(site)
	for _, r := range []struct{ old, new string }{
		{"/var/cache/nginx/stepwise", filepath.Join(dir, "cache")},
		{"    server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:8082 max_fails=3 fail_timeout=10s;",
			"    server " + strings.TrimPrefix(appA, "http://") + " max_fails=3 fail_timeout=10s;\n" +
				"    server " + strings.TrimPrefix(appB, "http://") + " max_fails=3 fail_timeout=10s;"},
		{"listen 80;", "listen " + httpAddr + ";"},
		{"listen 443 ssl http2;", "listen " + httpsAddr + " ssl http2;"},
		{"/etc/ssl/stepwise/fullchain.pem", cert},
		{"/etc/ssl/stepwise/privkey.pem", key},
	} {
		if !strings.Contains(conf, r.old) {
			t.Fatalf("deploy/nginx.conf no longer has %q", r.old)
		}
		conf = strings.ReplaceAll(conf, r.old, r.new)
	}
	// The site file goes in nginx's http block; around it, what an
	// unprivileged nginx on loopback needs.
	// Started as root, nginx's workers would become nobody, who cannot
	// write the test's directories: they stay the test's user.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`daemon off;
%[3]s
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, conf, user)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	// #nosec G204 -- nginx on the configuration the test wrote
	if out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confFile).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	// #nosec G204 -- as above
	cmd := exec.Command(nginx, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confFile)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	client := &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	base := "https://" + httpsAddr
	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err = client.Get(base + "/"); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("GET / through nginx: %v\n%s", err, log)
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
