package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
		`go_sql_max_open_connections{db_name="writer"} 1`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
