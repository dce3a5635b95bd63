package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var adminRE = regexp.MustCompile(`metrics=http://(127\.0\.0\.1:\d+)/metrics`)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// The metrics and the profiler answer on the admin listener only; the
// metrics count requests by route pattern and status, failed logins, the
// database pools, the webhook queue and the Go runtime.
func TestAdminListenerServesMetricsAndNothingOnThePublicPort(t *testing.T) {
	t.Parallel()
	base, logs, stop := startServe(t, filepath.Join(t.TempDir(), "stepwise.db"))
	defer func() { _ = stop() }()
	m := adminRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no admin listener in the log:\n%s", logs.String())
	}
	admin := "http://" + m[1]

	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/cmdline"} {
		if status, _ := get(t, base+path); status != http.StatusNotFound {
			t.Errorf("public port %s: %d, want 404", path, status)
		}
	}
	if status, body := get(t, admin+"/debug/pprof/"); status != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("admin /debug/pprof/: %d", status)
	}

	// Traffic to count: a guide page, an unknown one, a failed login.
	get(t, base+"/guides/backend-web-development")
	get(t, base+"/guides/no-such-guide")
	get(t, base+"/no/route/at/all")
	cookies, _ := cookiejar.New(nil)
	jar := &http.Client{Jar: cookies}
	resp, err := jar.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := csrfRE.FindStringSubmatch(string(page))
	if token == nil {
		t.Fatal("no CSRF token on the login page")
	}
	resp, err = jar.PostForm(base+"/login", url.Values{"csrf_token": {token[1]}, "email": {"nobody@example.com"}, "password": {"wrong password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	status, metrics := get(t, admin+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("admin /metrics: %d", status)
	}
	for _, want := range []string{
		`stepwise_http_requests_total{method="GET",route="/guides/:slug",status="200"} 1`,
		`stepwise_http_requests_total{method="GET",route="/guides/:slug",status="404"} 1`,
		// The three admin paths asked of the public port, and one more.
		`stepwise_http_requests_total{method="GET",route="unrouted",status="404"} 4`,
		`stepwise_http_request_duration_seconds_count{method="GET",route="/guides/:slug"} 2`,
		`stepwise_security_events_total{event="login.failure"} 1`,
		`stepwise_webhook_queue_depth 0`,
		`stepwise_db_transaction_retries_total 0`,
		`go_sql_max_open_connections{db_name="writer"} 1`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A busy default admin port does not keep the server from starting (make
// run on a machine where something else has it); an admin address given
// on purpose that cannot be had is an error.
func TestBusyAdminPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", defaultAdminAddr)
	if err != nil {
		t.Skipf("cannot hold %s for the test: %v", defaultAdminAddr, err)
	}
	defer ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-database", filepath.Join(t.TempDir(), "s.db")}, io.Discard, logs)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "no admin listener") && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve with the default admin port taken: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "no admin listener") {
		t.Errorf("no warning about the admin listener:\n%s", logs.String())
	}

	err = run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0", "-admin-addr", defaultAdminAddr,
		"-database", filepath.Join(t.TempDir(), "s.db")}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-admin-addr") {
		t.Errorf("serve with -admin-addr taken: %v, want an error", err)
	}
}
