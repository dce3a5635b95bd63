package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// crashChildEnv makes the test binary run "stepwise serve" with the
// arguments after "--" instead of the tests, so a test can kill a real
// server process with SIGKILL.
const crashChildEnv = "STEPWISE_TEST_SERVE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		main2(args)
		return
	}
	os.Exit(m.Run())
}

// main2 is main with the given arguments.
func main2(args []string) {
	os.Args = append([]string{"stepwise"}, args...)
	main()
	os.Exit(0)
}

// child is a server process started from the test binary.
type child struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
}

var childAddrRE = regexp.MustCompile(`addr=(http://\S+)`)

func startChild(t *testing.T, dbPath string) *child {
	t.Helper()
	return spawnServe(t, nil, "-addr", "127.0.0.1:0", "-admin-addr", "off", "-database", dbPath)
}

// spawnServe starts "stepwise serve args…" as a process of its own, with
// env added to the test's environment, and waits until it listens.
func spawnServe(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	// #nosec G204 -- the test binary itself, with the test's arguments
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--", "serve"}, args...)...)
	cmd.Env = append(append(os.Environ(), crashChildEnv+"=1"), env...)
	logs := &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			_, _ = logs.Write([]byte(sc.Text() + "\n"))
			if m := childAddrRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-addr:
		return &child{cmd: cmd, url: u, logs: logs}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", logs.String())
		return nil
	}
}

func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// learner is one signed-in browser, and one API token, writing its own
// progress and notes (and, for an author, its guide's summary), one
// request at a time, remembering what the server acknowledged.
type learner struct {
	email string
	http  *http.Client
	csrf  string
	token string // API token with the write scope
	guide string // the slug of the author's own guide; "" for a learner

	mu       sync.Mutex
	done     map[int]bool   // step → last acknowledged state
	notes    map[int]string // step → last acknowledged note
	summary  *string        // the guide's last acknowledged summary
	inflight string         // the request sent and not answered, if any
	acked    map[string]int // acknowledged writes by kind
}

const crashGuide = "/guides/backend-web-development/steps/"

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newLearner(t *testing.T, base, email string) *learner {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	l := &learner{email: email, done: map[int]bool{}, notes: map[int]string{}, acked: map[string]int{}, http: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	resp, err := l.http.PostForm(base+"/signup", url.Values{"csrf_token": {l.formToken(t, base+"/signup")}, "email": {email},
		"display_name": {"Crash " + email}, "password": {"correct horse battery"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signup %s: %v %v", email, err, resp)
	}
	resp.Body.Close()
	l.csrf = l.formToken(t, base+crashGuide+"1")
	var created struct {
		Token string `json:"token"`
	}
	l.api(t, base, http.MethodPost, "/api/v1/tokens", map[string]any{"email": email, "password": "correct horse battery",
		"name": "crash", "scopes": []string{"read", "write"}}, http.StatusCreated, &created)
	l.token = created.Token
	return l
}

// api sends a JSON request, with the learner's token once it has one,
// and fails the test unless the answer is want; out receives the body.
func (l *learner) api(t *testing.T, base, method, path string, in any, want int, out any) {
	t.Helper()
	status, body, _, err := l.call(base, method, path, in, "")
	if err != nil || status != want {
		t.Fatalf("%s %s: %d %v, want %d\n%s", method, path, status, err, want, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// call sends a JSON request, with If-Match when ifMatch is not empty, and
// returns the answer's status, body and ETag.
func (l *learner) call(base, method, path string, in any, ifMatch string) (int, []byte, string, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, "", err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	if l.token != "" {
		req.Header.Set("Authorization", "Bearer "+l.token)
	}
	resp, err := l.http.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header.Get("ETag"), err
}

// becomeAuthor makes the learner an author (in the database, as an admin
// would) with a draft guide of its own.
func (l *learner) becomeAuthor(t *testing.T, base, dbPath string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`UPDATE users SET role = 'author' WHERE email = ?`, l.email); err != nil {
		t.Fatal(err)
	}
	var g struct {
		Slug string `json:"slug"`
	}
	l.api(t, base, http.MethodPost, "/api/v1/guides", map[string]any{"title": "Crash guide of " + l.email, "difficulty": "beginner"}, http.StatusCreated, &g)
	l.guide = g.Slug
}

func (l *learner) formToken(t *testing.T, page string) string {
	t.Helper()
	tok, err := csrfToken(l.http, page)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// write runs writes against base until it fails (the server died) or
// stop closes. The i-th write cycles through four kinds, so each is in
// flight at some kill: a step's state through the page, a note through
// the page, a step's state through the API, and (for an author) the
// guide's summary through the API, else the API's step state again.
func (l *learner) write(base string, stop <-chan struct{}) (acked int) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return acked
		default:
		}
		step := 1 + i%10
		form := url.Values{"csrf_token": {l.csrf}}
		var intent string
		var remember func()
		var send func() bool
		var kindName string
		switch kind := i % 4; {
		case kind == 0:
			kindName = "page completion"
			done := !l.done[step]
			form.Set("done", fmt.Sprint(done))
			intent = fmt.Sprintf("done %d %v", step, done)
			remember = func() { l.done[step] = done }
			send = func() bool { return l.post(fmt.Sprintf("%s%s%d/complete", base, crashGuide, step), form) }
		case kind == 1:
			kindName = "page note"
			body := fmt.Sprintf("note %d of %s", i, l.email)
			form.Set("body", body)
			intent = fmt.Sprintf("note %d %s", step, body)
			remember = func() { l.notes[step] = body }
			send = func() bool { return l.post(fmt.Sprintf("%s%s%d/note", base, crashGuide, step), form) }
		case kind == 3 && l.guide != "":
			kindName = "API guide edit"
			summary := fmt.Sprintf("summary %d", i)
			intent = "summary " + summary
			remember = func() { l.summary = &summary }
			send = func() bool {
				// The guide's ETag as of now: a PATCH landed before a
				// kill leaves the one remembered stale.
				status, _, etag, err := l.call(base, http.MethodGet, "/api/v1/guides/"+l.guide, nil, "")
				if err != nil || status != http.StatusOK {
					return false
				}
				status, _, _, err = l.call(base, http.MethodPatch, "/api/v1/guides/"+l.guide, map[string]any{"summary": summary}, etag)
				return err == nil && status == http.StatusOK
			}
		default:
			done := !l.done[step]
			kindName = "API completion"
			method, want := http.MethodPut, http.StatusOK
			if !done {
				method, want = http.MethodDelete, http.StatusNoContent
			}
			intent = fmt.Sprintf("done %d %v", step, done)
			remember = func() { l.done[step] = done }
			send = func() bool {
				status, _, _, err := l.call(base, method, fmt.Sprintf("/api/v1/guides/backend-web-development/steps/%d/completion", step), nil, "")
				return err == nil && status == want
			}
		}
		l.mu.Lock()
		l.inflight = intent
		l.mu.Unlock()
		if !send() {
			return acked
		}
		l.mu.Lock()
		remember()
		l.acked[kindName]++
		l.inflight = ""
		l.mu.Unlock()
		acked++
	}
}

func (l *learner) post(u string, form url.Values) bool {
	resp, err := l.http.PostForm(u, form)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther
}

// TestCrashLosesNoAcknowledgedWrite kills the server with SIGKILL in the
// middle of a write load, three times, restarting it on the same database
// each time: the database passes SQLite's integrity check and holds every
// write the server acknowledged before the kill (the one request in flight
// per client may have landed or not).
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	srv := startChild(t, dbPath)
	const clients = 6
	learners := make([]*learner, clients)
	for i := range learners {
		learners[i] = newLearner(t, srv.url, fmt.Sprintf("crash%d@example.com", i))
	}
	for _, l := range learners[:2] {
		l.becomeAuthor(t, srv.url, dbPath)
	}
	const rounds = 3
	total := 0
	for round := 1; round <= rounds; round++ {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		acked := make([]int, clients)
		for i, l := range learners {
			wg.Add(1)
			go func() { defer wg.Done(); acked[i] = l.write(srv.url, stop) }()
		}
		time.Sleep(700 * time.Millisecond) // let writes pile up, then crash mid-stream
		srv.kill(t)
		close(stop)
		wg.Wait()
		n := 0
		for _, a := range acked {
			n += a
		}
		if n == 0 {
			t.Fatalf("round %d: no write was acknowledged before the kill", round)
		}
		total += n

		srv = startChild(t, dbPath)
		lost := verifyWrites(t, dbPath, learners)
		t.Logf("round %d: %d writes acknowledged before SIGKILL, %d lost", round, n, lost)
		if lost > 0 {
			t.Fatalf("round %d: %d acknowledged writes lost", round, lost)
		}
	}
	byKind := map[string]int{}
	for _, l := range learners {
		for k, n := range l.acked {
			byKind[k] += n
		}
	}
	t.Logf("%d rounds, %d acknowledged writes (%v), 0 lost", rounds, total, byKind)
	for _, k := range []string{"page completion", "page note", "API completion", "API guide edit"} {
		if byKind[k] == 0 {
			t.Errorf("no %s was acknowledged: the load did not exercise it", k)
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("server after SIGTERM: %v\n%s", err, srv.logs.String())
	}
}

// verifyWrites checks the database's integrity and that every learner's
// acknowledged state is in it; it returns how many are missing.
func verifyWrites(t *testing.T, dbPath string, learners []*learner) (lost int) {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	var check string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	for _, l := range learners {
		l.mu.Lock()
		for step, want := range l.done {
			var got bool
			err := conn.QueryRowContext(ctx, `
				SELECT count(*) > 0 FROM progress p
				JOIN users u ON u.id = p.user_id JOIN steps s ON s.id = p.step_id JOIN guides g ON g.id = s.guide_id
				WHERE u.email = ? AND g.slug = 'backend-web-development' AND s.position = ?`, l.email, step).Scan(&got)
			if err != nil {
				t.Fatal(err)
			}
			if got != want && l.inflight != fmt.Sprintf("done %d %v", step, got) {
				t.Errorf("%s step %d: done=%v in the database, %v acknowledged", l.email, step, got, want)
				lost++
			}
		}
		for step, want := range l.notes {
			var got string
			err := conn.QueryRowContext(ctx, `
				SELECT n.body FROM notes n
				JOIN users u ON u.id = n.user_id JOIN steps s ON s.id = n.step_id JOIN guides g ON g.id = s.guide_id
				WHERE u.email = ? AND g.slug = 'backend-web-development' AND s.position = ?`, l.email, step).Scan(&got)
			if err != nil && err != sql.ErrNoRows {
				t.Fatal(err)
			}
			if got != want && l.inflight != fmt.Sprintf("note %d %s", step, got) {
				t.Errorf("%s step %d: note %q in the database, %q acknowledged", l.email, step, got, want)
				lost++
			}
		}
		if l.summary != nil {
			var got string
			if err := conn.QueryRowContext(ctx, `SELECT summary FROM guides WHERE slug = ?`, l.guide).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != *l.summary && l.inflight != "summary "+got {
				t.Errorf("%s guide %s: summary %q in the database, %q acknowledged", l.email, l.guide, got, *l.summary)
				lost++
			}
		}
		l.inflight = ""
		l.mu.Unlock()
	}
	return lost
}
