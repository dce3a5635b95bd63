package handlers_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"stepwise/handlers"
)

// holdUpload starts an upload from from that announces 1 MB, sends 9000
// bytes (past fasthttp's first read, so limitBodies has it) and stops. An
// upload with a slot gets no answer; one without is answered at once, so
// a second of silence says it holds its slot.
func holdUpload(t *testing.T, srv *server, from string) net.Conn {
	t.Helper()
	conn := dialFrom(t, srv, from)
	if _, err := io.WriteString(conn, "POST /api/v1/guides/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/zip\r\n"+
		"Content-Length: 1000000\r\n\r\n"+strings.Repeat("a", 9000)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	if line, err := bufio.NewReader(conn).ReadString('\n'); err == nil {
		t.Fatalf("the upload held from %s was answered: %q", from, line)
	}
	_ = conn.SetReadDeadline(time.Time{})
	return conn
}

// probeUpload sends a whole small upload from from (no token: it gets a
// 401 once read) and returns the answer.
func probeUpload(t *testing.T, srv *server, from string) *http.Response {
	t.Helper()
	conn := dialFrom(t, srv, from)
	defer conn.Close()
	sendAll(t, conn, "POST /api/v1/guides/import HTTP/1.1\r\nHost: stepwise.test\r\nContent-Type: application/zip\r\nContent-Length: 9000\r\n\r\n", 9000)
	resp, _ := readReply(t, conn, http.MethodPost)
	return resp
}

// probeUntil sends probeUpload until the answer is want, for at most five
// seconds (the held uploads take their slots a moment after their bytes
// are sent).
func probeUntil(t *testing.T, srv *server, from string, want int) *http.Response {
	t.Helper()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		resp := probeUpload(t, srv, from)
		if resp.StatusCode == want || time.Since(start) > 5*time.Second {
			if resp.StatusCode != want {
				t.Fatalf("an upload from %s: got %d, want %d", from, resp.StatusCode, want)
			}
			return resp
		}
	}
}

// TestUploadSlotsAreBounded: uploads being read are bounded per client
// address (429) and in all (503), each refusal with Retry-After; a slot
// comes free when its upload ends.
func TestUploadSlotsAreBounded(t *testing.T) {
	t.Parallel()
	srv := limitServer(t, handlers.Limits{MaxUploads: 2, MaxUploadsPerIP: 1, UploadTimeout: 20 * time.Second})
	first := holdUpload(t, srv, "127.0.0.1")
	resp := probeUntil(t, srv, "127.0.0.1", http.StatusTooManyRequests)
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("429 for a second upload: want Retry-After and X-Request-Id, got %v", resp.Header)
	}
	probeUntil(t, srv, "127.0.0.3", http.StatusUnauthorized) // one slot of two is free
	holdUpload(t, srv, "127.0.0.2")
	resp = probeUntil(t, srv, "127.0.0.3", http.StatusServiceUnavailable)
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("503 for a third upload: want Retry-After, got %v", resp.Header)
	}
	_ = first.Close() // its upload fails, and its slot is free again
	probeUntil(t, srv, "127.0.0.1", http.StatusUnauthorized)
}

// TestConnectionsAreBounded: one address holds at most MaxConnsPerIP
// connections (one more is answered 429), and all at most MaxConns (503);
// another address still gets in while one is at its limit.
func TestConnectionsAreBounded(t *testing.T) {
	t.Parallel()
	srv := limitServer(t, handlers.Limits{MaxConns: 3, MaxConnsPerIP: 2})
	for range 2 {
		dialFrom(t, srv, "127.0.0.1") // idle: held until the read timeout
	}
	reply := func(from string) string {
		conn := dialFrom(t, srv, from)
		_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: stepwise.test\r\n\r\n")
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return strings.TrimSpace(line)
	}
	if got := reply("127.0.0.1"); !strings.HasPrefix(got, "HTTP/1.1 429") {
		t.Errorf("a third connection from 127.0.0.1: got %q, want 429", got)
	}
	if got := reply("127.0.0.2"); !strings.HasPrefix(got, "HTTP/1.1 200") {
		t.Errorf("a connection from 127.0.0.2: got %q, want 200", got)
	}
	// That one stays open (keep-alive): three are held now.
	if got := reply("127.0.0.3"); !strings.HasPrefix(got, "HTTP/1.1 503") {
		t.Errorf("a fourth connection: got %q, want 503", got)
	}

	// Over TLS the counted connection is still known for TLS (HSTS is
	// sent); one more from the address is closed before its handshake.
	cfg, pool := selfSigned(t)
	tsrv := limitServer(t, handlers.Limits{MaxConnsPerIP: 1}, cfg)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: tr}).Get(tsrv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // read to its end, the connection stays open
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET /healthz over TLS through LimitConns: no Strict-Transport-Security, so not seen as TLS")
	}
	second := tls.Client(dialFrom(t, tsrv, "127.0.0.1"), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	_ = second.SetDeadline(time.Now().Add(10 * time.Second))
	if err := second.Handshake(); err == nil {
		t.Errorf("a second TLS connection from 127.0.0.1 with a limit of one: the handshake succeeded")
	}
}
