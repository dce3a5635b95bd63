package main

import (
	"net/http"
	"os"
	"testing"

	"stepwise/cmd/internal/front"
)

// frontNginx is deploy/nginx.conf running unprivileged on loopback ports in
// front of some instances (cmd/internal/front).
type frontNginx struct {
	base     string // https://127.0.0.1:PORT
	httpAddr string // the plain-HTTP listener, which only redirects
	client   *http.Client
}

// startNginx runs deploy/nginx.conf in front of instances (host:port)
// until t ends. Without nginx t is skipped, or fails under CI=true.
func startNginx(t *testing.T, instances ...string) *frontNginx {
	t.Helper()
	nginx, err := front.Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (.ci/run installs it)", err)
		}
		t.Skip(err.Error() + " to run deploy/nginx.conf in a test")
	}
	site, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	n, err := front.Start(nginx, string(site), t.TempDir(), instances...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	return &frontNginx{base: n.Base, httpAddr: n.HTTPAddr, client: n.Client}
}
