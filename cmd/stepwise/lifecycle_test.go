package main

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShutdownFinishesWhileWritesAreStuck: another process holds SQLite's
// write lock, so the server's writes cannot proceed; readiness says so,
// stuck requests end with an error at their deadline, and SIGTERM stops the
// server within its grace period instead of hanging.
func TestShutdownFinishesWhileWritesAreStuck(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("waits for request deadlines")
	}
	dbPath := filepath.Join(t.TempDir(), "stuck.db")
	base, logs, stop := startServe(t, dbPath, "-request-timeout", "2s", "-shutdown-grace", "4s")

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	l := &learner{http: c}
	// Hashing the password can outlast the 2 s deadline on a loaded
	// machine; that answer is a 503 that changed nothing, so try again
	// after its Retry-After.
	var resp *http.Response
	for try := 1; ; try++ {
		tok := l.formToken(t, base+"/signup")
		var err error
		resp, err = c.PostForm(base+"/signup", url.Values{"csrf_token": {tok}, "email": {"stuck@example.com"},
			"display_name": {"Stuck"}, "password": {"correct horse battery"}})
		if err == nil && resp.StatusCode == http.StatusServiceUnavailable && try < 10 {
			resp.Body.Close()
			time.Sleep(time.Second)
			continue
		}
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signup: %v %v", err, resp)
		}
		break
	}
	resp.Body.Close()
	tok := l.formToken(t, base+crashGuide+"1")

	// Another process's writer: BEGIN IMMEDIATE takes the write lock.
	other, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), `ROLLBACK`) }()

	r, err := c.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with the write lock held elsewhere: %d, want 503", r.StatusCode)
	}

	var wg sync.WaitGroup
	statuses := make(chan int, 4)
	for n := 1; n <= 4; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.PostForm(base+crashGuide+string(rune('0'+n))+"/complete", url.Values{"csrf_token": {tok}, "done": {"true"}})
			if err != nil {
				statuses <- 0 // cut off by the shutdown
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	time.Sleep(200 * time.Millisecond) // the writes are now waiting
	began := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	took := time.Since(began)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s == http.StatusSeeOther {
			t.Errorf("a write succeeded while another process held the write lock")
		}
	}
	// Grace (4 s) plus the bounded close (5 s): a hang would be far longer.
	if took > 12*time.Second {
		t.Errorf("shutdown took %s with writes stuck", took)
	}
	if !strings.Contains(logs.String(), "msg=stopped") {
		t.Errorf("no stopped line:\n%s", logs.String())
	}
}
