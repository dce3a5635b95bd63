package handlers_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stepwise/handlers"
	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
)

// The attacks of issue 10 and the answers of issue 17, against the real
// app on a loopback listener. Attackers dial from 127.0.0.1; the health
// probe dials from 127.0.0.2, another address as far as per-address
// limits go.

// limitServer is the app with lim, its images in a temporary directory,
// listening as serve does (handlers.LimitConns), over TLS when tlsCfg is
// given.
func limitServer(t *testing.T, lim handlers.Limits, tlsCfg ...*tls.Config) *server {
	t.Helper()
	app, d, m, logs := newApp(t, func(d *root.Config) {
		s, err := imagestore.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		d.ImageStore, d.Limits = s, lim
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if len(tlsCfg) != 0 {
		ln, scheme = tls.NewListener(ln, tlsCfg[0]), "https"
	}
	go func() { _ = app.Listener(handlers.LimitConns(ln, lim)) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return &server{t: t, URL: scheme + "://" + ln.Addr().String(), DB: d, Models: m, Logs: logs, App: app}
}

// dialFrom opens a connection to srv from the loopback address from.
func dialFrom(t *testing.T, srv *server, from string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	_, hostPort, _ := strings.Cut(srv.URL, "://")
	conn, err := d.Dial("tcp", hostPort)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// readReply reads one response from conn, its body included, within 10s.
func readReply(t *testing.T, conn net.Conn, method string) (*http.Response, string) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the response body: %v", err)
	}
	return resp, string(b)
}

// healthWithin asks GET /healthz from 127.0.0.2 and fails unless a 200
// arrives within a second.
func healthWithin(t *testing.T, srv *server) {
	t.Helper()
	start := time.Now()
	conn := dialFrom(t, srv, "127.0.0.2")
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: stepwise.test\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatalf("health probe: %v", err)
	}
	resp, _ := readReply(t, conn, http.MethodGet)
	if took := time.Since(start); resp.StatusCode != http.StatusOK || took > time.Second {
		t.Errorf("GET /healthz during the attack: status %d after %s, want 200 within 1s", resp.StatusCode, took)
	}
}

// memory is what the test process (server included) holds: Go's memory
// from the OS, and the resident set where /proc tells it (else 0).
type memory struct{ sys, rss uint64 }

func memoryNow() memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{sys: ms.Sys}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}

// watchMemory samples memory until stop is closed and returns the largest
// growth over base of each measure.
func watchMemory(base memory, stop <-chan struct{}) (done func() memory) {
	var peak memory
	var mu sync.Mutex
	finished := make(chan struct{})
	sample := func() {
		m := memoryNow()
		mu.Lock()
		defer mu.Unlock()
		if m.sys > base.sys && m.sys-base.sys > peak.sys {
			peak.sys = m.sys - base.sys
		}
		if m.rss > base.rss && m.rss-base.rss > peak.rss {
			peak.rss = m.rss - base.rss
		}
	}
	go func() {
		defer close(finished)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() memory {
		<-finished
		sample()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

const maxGrowth = 150 << 20

// ownProcessEnv names, in a copy of the test binary that inOwnProcess
// started, the one test that copy runs.
const ownProcessEnv = "STEPWISE_OWN_PROCESS_TEST"

// inOwnProcess lets a test that measures the process's memory run beside
// the others: it runs the test again in a fresh copy of the test binary,
// alone there, and passes on its outcome. It is true in that copy, where
// the test does its work, and false here, where the test only waits.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv(ownProcessEnv) == t.Name() {
		return true
	}
	t.Parallel()
	ctx := t.Context()
	// #nosec G204 -- the command is this test binary, run on one of its own tests.
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), ownProcessEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	t.Logf("in its own process:\n%s", out)
	if err != nil {
		t.Fatalf("%s in its own process: %v", t.Name(), err)
	}
	return false
}

func wantBoundedGrowth(t *testing.T, what string, growth memory) {
	t.Helper()
	t.Logf("%s: memory grew by %d MiB (Go) and %d MiB (RSS)", what, growth.sys>>20, growth.rss>>20)
	if growth.sys > maxGrowth || growth.rss > maxGrowth {
		t.Errorf("%s: memory grew by %d MiB (Go) and %d MiB (RSS); want under %d MiB",
			what, growth.sys>>20, growth.rss>>20, maxGrowth>>20)
	}
}

// TestAnnouncedBodiesTakeNoMemory is issue 10's attack: 60 connections
// send only headers announcing a 20 MB body, to the routes that take one.
// The server must not set memory aside for what was only announced, and
// /healthz keeps answering within a second.
func TestAnnouncedBodiesTakeNoMemory(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	srv := limitServer(t, handlers.Limits{ReadTimeout: 30 * time.Second})
	healthWithin(t, srv) // everything the app makes once is made
	runtime.GC()
	base := memoryNow()
	stop := make(chan struct{})
	growth := watchMemory(base, stop)

	for i := range 60 {
		conn := dialFrom(t, srv, "127.0.0.1")
		head := "POST /author/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: multipart/form-data; boundary=x\r\n"
		if i%2 == 1 {
			head = "POST /api/v1/guides/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/zip\r\n"
		}
		if _, err := io.WriteString(conn, head+"Content-Length: 20000000\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	// The headers are in within moments; the server is watched for two
	// seconds while it holds the 60 connections.
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		healthWithin(t, srv)
		time.Sleep(200 * time.Millisecond)
	}
	close(stop)
	wantBoundedGrowth(t, "60 connections announcing 20 MB", growth())
}

// slowKind is one way of sending a body slowly: to which route, with what
// announced length, and how much at once before trickling.
type slowKind struct {
	head    string
	length  int
	upfront int
}

var slowKinds = []slowKind{
	// Nothing of the body: fasthttp waits for its first bytes.
	{"POST /login HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/x-www-form-urlencoded\r\n", 100_000, 0},
	// Past fasthttp's first read: limitBodies waits for the rest.
	{"POST /login HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/x-www-form-urlencoded\r\n", 100_000, 9000},
	// An upload: two per address and eight in all get a slot and
	// UploadTimeout, the rest are refused at once.
	{"POST /author/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: multipart/form-data; boundary=x\r\n", 20_000_000, 9000},
}

// TestSlowBodiesTimeOut is the slow-body variant: 300 connections from
// five addresses trickle their bodies a byte at a time. Each is cut off
// by the read timeout (or refused its upload slot), with an answer that
// carries a request id; /healthz answers within a second meanwhile, and
// memory stays bounded.
func TestSlowBodiesTimeOut(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	srv := limitServer(t, handlers.Limits{ReadTimeout: time.Second, UploadTimeout: 2 * time.Second, MaxConnsPerIP: 100})
	healthWithin(t, srv)
	runtime.GC()
	base := memoryNow()
	stop := make(chan struct{})
	growth := watchMemory(base, stop)

	type outcome struct {
		kind   int
		status int
		hasID  bool
		err    error
	}
	results := make(chan outcome, 300)
	giveUp := time.Now().Add(30 * time.Second) // liveness bound, far past every timeout
	for i := range 300 {
		kind := slowKinds[i%len(slowKinds)]
		conn := dialFrom(t, srv, fmt.Sprintf("127.0.0.%d", 10+i%5))
		_ = conn.SetDeadline(giveUp)
		go func() {
			o := outcome{kind: i % len(slowKinds)}
			defer func() { results <- o }()
			// The trickle runs until the server closes the connection.
			go func() {
				_, err := io.WriteString(conn, kind.head+"Content-Length: "+strconv.Itoa(kind.length)+"\r\n\r\n"+strings.Repeat("a", kind.upfront))
				for err == nil {
					time.Sleep(100 * time.Millisecond)
					_, err = conn.Write([]byte("a"))
				}
			}()
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodPost})
			if err != nil {
				o.err = err
				return
			}
			o.status, o.hasID = resp.StatusCode, resp.Header.Get("X-Request-Id") != ""
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// Then the server closes: nothing more arrives.
			if _, err := br.ReadByte(); err == nil {
				o.err = fmt.Errorf("more bytes after the response")
			} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
				o.err = fmt.Errorf("the connection stayed open: %w", err)
			}
		}()
	}
	for range 5 {
		healthWithin(t, srv)
		time.Sleep(200 * time.Millisecond)
	}
	counts := map[string]int{}
	for range 300 {
		o := <-results
		switch {
		case o.err != nil:
			t.Errorf("slow body of kind %d: %v", o.kind, o.err)
		case o.status != http.StatusRequestTimeout &&
			!(o.kind == 2 && (o.status == http.StatusTooManyRequests || o.status == http.StatusServiceUnavailable)):
			t.Errorf("slow body of kind %d: got status %d, want 408 (or 429, 503 for an upload without a slot)", o.kind, o.status)
		case !o.hasID:
			t.Errorf("slow body of kind %d: the %d has no X-Request-Id", o.kind, o.status)
		}
		counts[fmt.Sprintf("kind %d: %d", o.kind, o.status)]++
	}
	close(stop)
	t.Logf("outcomes: %v", counts)
	wantBoundedGrowth(t, "300 slow bodies", growth())
	healthWithin(t, srv)
}

// sendAll writes head and then n bytes of body to conn, in full, before
// anything is read: the way a simple client sends a request.
func sendAll(t *testing.T, conn net.Conn, head string, n int) {
	t.Helper()
	_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for sent := 0; sent < n; sent += len(chunk) {
		if _, err := conn.Write(chunk[:min(len(chunk), n-sent)]); err != nil {
			t.Fatalf("send the body (%d of %d bytes sent): %v", sent, n, err)
		}
	}
}

// wantUsualRefusal checks that resp is the refusal status with what every
// response carries: a request id (in the page or problem too), the
// security headers, an access-log line, and Connection: close.
func wantUsualRefusal(t *testing.T, srv *server, what string, resp *http.Response, body string, status int, api bool) {
	t.Helper()
	id := resp.Header.Get("X-Request-Id")
	if resp.StatusCode != status || id == "" {
		t.Fatalf("%s: got %d with X-Request-Id %q, want %d with one; body: %.300s", what, resp.StatusCode, id, status, body)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: the security headers are missing: %v", what, resp.Header)
	}
	if !resp.Close {
		t.Errorf("%s: the connection is kept open after a body that was not read", what)
	}
	if api {
		var p struct {
			Status    int    `json:"status"`
			RequestID string `json:"request_id"`
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal([]byte(body), &p) != nil ||
			p.Status != status || p.RequestID != id {
			t.Errorf("%s: want a problem detail with the request id; got %q: %.300s", what, ct, body)
		}
	} else if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `data-testid="request-id">`+id+`<`) {
		t.Errorf("%s: want the error page with the request id; got %.300s", what, body)
	}
	if !strings.Contains(srv.Logs.String(), "request_id="+id+" ") || !strings.Contains(srv.Logs.String(), "status="+strconv.Itoa(status)) {
		t.Errorf("%s: no access-log line for request %s", what, id)
	}
}

// TestOversizedBodiesAreAnsweredLikeAnyRequest is issue 17: a body over
// the route's limit, or over the largest limit of all, gets a 413 like any
// other answer, from its Content-Length before any of it is read; the
// client that sends the whole body before reading reads the 413, not a
// reset connection. Chunked bodies are bounded while they are read.
func TestOversizedBodiesAreAnsweredLikeAnyRequest(t *testing.T) {
	t.Parallel()
	srv := limitServer(t, handlers.Limits{})
	// Past every limit: what is sent after the answer is discarded while
	// it keeps coming (see the server's lingering close).
	over := handlers.ImportBodyLimit + 1<<20

	conn := dialFrom(t, srv, "127.0.0.1")
	sendAll(t, conn, "POST /login HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: "+strconv.Itoa(over)+"\r\n\r\n", over)
	resp, body := readReply(t, conn, http.MethodPost)
	wantUsualRefusal(t, srv, "a page's body over every limit, sent in full", resp, body, http.StatusRequestEntityTooLarge, false)

	conn = dialFrom(t, srv, "127.0.0.1")
	sendAll(t, conn, "POST /api/v1/guides/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/zip\r\n"+
		"Content-Length: "+strconv.Itoa(over)+"\r\n\r\n", over)
	resp, body = readReply(t, conn, http.MethodPost)
	wantUsualRefusal(t, srv, "an archive over the import limit, sent in full", resp, body, http.StatusRequestEntityTooLarge, true)

	// Announced only: the answer comes without a byte of the body, and
	// without inviting it (no 100 Continue first).
	conn = dialFrom(t, srv, "127.0.0.1")
	if _, err := io.WriteString(conn, "POST /api/v1/tokens HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/json\r\n"+
		"Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, body = readReply(t, conn, http.MethodPost)
	wantUsualRefusal(t, srv, "a JSON body announced at 2 MB, expecting 100-continue", resp, body, http.StatusRequestEntityTooLarge, true)

	// Chunked: no length to refuse by; the reading stops past the limit.
	chunked := func(path, contentType string, n int) (*http.Response, string) {
		conn := dialFrom(t, srv, "127.0.0.1")
		var b strings.Builder
		b.WriteString("POST " + path + " HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
		for left := n; left > 0; left -= 1 << 20 {
			size := min(left, 1<<20)
			fmt.Fprintf(&b, "%x\r\n%s\r\n", size, strings.Repeat("a", size))
		}
		b.WriteString("0\r\n\r\n")
		sendAll(t, conn, b.String(), 0)
		return readReply(t, conn, http.MethodPost)
	}
	resp, body = chunked("/login", "application/x-www-form-urlencoded", 2<<20)
	wantUsualRefusal(t, srv, "a chunked form of 2 MiB", resp, body, http.StatusRequestEntityTooLarge, false)
	resp, body = chunked("/api/v1/guides/import", "application/zip", over)
	wantUsualRefusal(t, srv, "a chunked archive over the import limit", resp, body, http.StatusRequestEntityTooLarge, true)

	// A compressed body could inflate past any limit: 415.
	conn = dialFrom(t, srv, "127.0.0.1")
	sendAll(t, conn, "POST /login HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\naaaaaaaaaa", 0)
	resp, body = readReply(t, conn, http.MethodPost)
	wantUsualRefusal(t, srv, "a gzipped form", resp, body, http.StatusUnsupportedMediaType, false)

	// A chunked form within the limit is read as any other: the
	// sign-up it carries succeeds.
	c := srv.client()
	form := "csrf_token=" + c.csrf("/signup") + "&email=chunked%40example.com&display_name=Chunk&password=" + strongPassword
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/signup", io.MultiReader(strings.NewReader(form))) // no length: chunked
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	wantStatus(t, c.do(req), http.StatusSeeOther)
}

// storedPNG is a w×h grey PNG stored without compression: about w×h
// bytes, quickly made.
func storedPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUploadsStreamWithinTheirOwnLimits: the upload and import routes
// still take bodies of several MB, by form, as a raw body and chunked, and
// refuse one over their own limit; their larger limit is for the form
// they take (a multipart form, on the pages) and no other.
func TestUploadsStreamWithinTheirOwnLimits(t *testing.T) {
	t.Parallel()
	srv := limitServer(t, handlers.Limits{})
	admin := newAdmin(t, srv, "root@example.com")
	author := authorClient(t, srv, "ada@example.com", models.RoleAuthor)

	big := storedPNG(t, 2100, 2100)
	if len(big) < 4<<20 || len(big) > imagestore.MaxBytes {
		t.Fatalf("the test image is %d bytes, want 4–5 MiB", len(big))
	}
	panel := "/author/guides/" + guidesSlug + "/images"
	wantStatus(t, admin.upload(panel, panel, "image", "noise.png", big, nil), http.StatusSeeOther)
	r := admin.get("/author/guides/" + guidesSlug + "/export.zip")
	wantStatus(t, r, http.StatusOK)
	archive := []byte(r.Body)
	if len(archive) < 4<<20 {
		t.Fatalf("the export is %d bytes, want the image in it", len(archive))
	}
	// The page's import, as a multipart form of over 4 MB.
	wantStatus(t, author.upload("/author/import", "/author/import", "archive", "guide.zip", archive, map[string]string{"slug": "imported-by-form"}), http.StatusSeeOther)
	// The API's, chunked.
	_, secret, err := srv.Models.APITokens.Create(t.Context(), mustUser(t, srv, "ada@example.com").ID,
		models.NewAPIToken{Name: "uploads", Scopes: []string{models.ScopeRead, models.ScopeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/guides/import?slug=imported-by-api", io.MultiReader(bytes.NewReader(archive)))
	req.Header.Set("Content-Type", "application/zip")
	req.Header.Set("Authorization", "Bearer "+secret)
	wantStatus(t, author.do(req), http.StatusCreated)
	var n int
	if err := srv.DB.Get(t.Context(), &n, `SELECT count(*) FROM guides WHERE slug IN ('imported-by-form', 'imported-by-api')`); err != nil || n != 2 {
		t.Errorf("imported guides: %d (%v), want 2", n, err)
	}

	// Over the image route's own limit, announced and chunked.
	tooBig := append(append([]byte(nil), big...), make([]byte, handlers.ImageBodyLimit)...)
	r = admin.upload(panel, panel, "image", "huge.png", tooBig, nil)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/api/v1/guides/"+guidesSlug+"/images", io.MultiReader(bytes.NewReader(tooBig)))
	req.Header.Set("Content-Type", "image/png")
	req.Header.Set("Authorization", "Bearer "+secret)
	wantStatus(t, author.do(req), http.StatusRequestEntityTooLarge)

	// The page's import takes 20 MB as a multipart form only: 2 MiB of
	// anything else is over BodyLimit.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/author/import", strings.NewReader("csrf_token=x&pad="+strings.Repeat("a", 2<<20)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := author.http.Do(req); err != nil {
		t.Errorf("a 2 MiB url-encoded import: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 2 MiB url-encoded import: got %d, want 413", resp.StatusCode)
		}
	}
}
