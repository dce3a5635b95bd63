package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// frontNginx is deploy/nginx.conf running unprivileged on loopback ports in
// front of some instances.
type frontNginx struct {
	base     string // https://127.0.0.1:PORT
	httpAddr string // the plain-HTTP listener, which only redirects
	client   *http.Client
}

// startNginx runs deploy/nginx.conf as written, with only its paths,
// ports and upstream servers (the instances' host:port) changed, inside an
// http block with what an unprivileged nginx needs, until t ends. Without
// nginx t is skipped, or fails under CI=true.
func startNginx(t *testing.T, instances ...string) *frontNginx {
	t.Helper()
	nginx := findNginx(t)
	site, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key, pool := writeSelfSigned(t)
	httpAddr, httpsAddr := freePort(t), freePort(t)
	var servers []string
	for _, addr := range instances {
		servers = append(servers, "    server "+addr+" max_fails=3 fail_timeout=10s;")
	}
	conf := string(site)
	for _, r := range []struct{ old, new string }{
		{"/var/cache/nginx/stepwise", filepath.Join(dir, "cache")},
		{"    server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:8082 max_fails=3 fail_timeout=10s;",
			strings.Join(servers, "\n")},
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
events { worker_connections 1024; }
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

	n := &frontNginx{base: "https://" + httpsAddr, httpAddr: httpAddr, client: &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := n.client.Get(n.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return n
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not answer: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findNginx is the nginx binary; without one t is skipped, or fails under
// CI=true (.ci/run installs Debian's nginx).
func findNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/nginx", "/sbin/nginx"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("nginx not found; install Debian's nginx (.ci/run does)")
	}
	t.Skip("nginx not found; install nginx to run deploy/nginx.conf in a test")
	return ""
}
