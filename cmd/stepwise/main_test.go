package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink the server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var addrRE = regexp.MustCompile(` addr=(https?://\S+)`)

// startServe runs "stepwise serve" with extra flags in the background and
// returns its base URL, its log and a function that stops it and returns
// run's error.
func startServe(t *testing.T, dbPath string, extra ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		args := append([]string{"serve", "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-database", dbPath}, extra...)
		done <- run(ctx, args, io.Discard, logs)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			stop := func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(20 * time.Second):
					t.Fatal("server did not stop")
					return nil
				}
			}
			return m[1], logs, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server did not start:\n%s", logs.String())
	return "", nil, nil
}

func TestServeStartsLoadsGuideAndShutsDownGracefully(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "sub", "stepwise.db")
	url, logs, stop := startServe(t, dbPath)
	for _, path := range []string{"/healthz", "/readyz", "/guides/backend-web-development/steps/1"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", path, resp.StatusCode)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v, want nil after shutdown", err)
	}
	if !strings.Contains(logs.String(), "guides_loaded=1") || !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("log lacks the start-up or shutdown lines:\n%s", logs.String())
	}

	// A restart loads nothing twice.
	_, logs, stop = startServe(t, dbPath)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "guides_loaded=0") || !strings.Contains(logs.String(), "migrations_applied=0") {
		t.Errorf("restart reloaded something:\n%s", logs.String())
	}
}

func TestMigrateAndUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	dbPath := filepath.Join(t.TempDir(), "m.db")
	if err := run(context.Background(), []string{"migrate", "-database", dbPath}, &out, &errOut); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "migration(s) to") {
		t.Errorf("migrate output: %q", out.String())
	}
	if err := run(context.Background(), []string{"nonsense"}, &out, &errOut); err == nil {
		t.Errorf("unknown command: got nil error")
	}
	if err := run(context.Background(), []string{"serve", "-log-level", "loud"}, &out, &errOut); err == nil {
		t.Errorf("bad log level: got nil error")
	}
	out.Reset()
	if err := run(context.Background(), []string{"help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "serve") {
		t.Errorf("help: %v %q", err, out.String())
	}
}
