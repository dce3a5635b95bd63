package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"stepwise/db/dbtest"
	"stepwise/handlers/api"
	"stepwise/models"
)

const notePath = "/api/v1/guides/backend-web-development/steps/1/note"

// raw sends a request without the contract check: the document does not
// list 500 and 503 on every operation, as it does not list them at all.
func (s *server) raw(method, path, token string, body any) (*http.Response, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.http.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res, b
}

func TestStorageFullAnswers503AndReadsWork(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "a full database is made with PRAGMA max_page_count; PostgreSQL's disk_full is mapped in package db")
	srv := newServer(t)
	u := srv.user(models.RoleLearner)
	tok := srv.token(u, models.ScopeRead, models.ScopeWrite)
	srv.as(tok).get("/api/v1/me").want(t, http.StatusOK)
	dbtest.Full(t, srv.DB)

	res, body := srv.raw(http.MethodPut, notePath, tok, map[string]string{"body": strings.Repeat("a long note ", 1500)})
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("PUT note on a full disk: %d %s, want 503 problem; body %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var p api.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Title != "Storage full" || p.Status != http.StatusServiceUnavailable || p.Type != "/api/docs#storage-full" {
		t.Errorf("problem: %+v", p)
	}
	if !strings.Contains(p.Detail, "storage is full") || !strings.Contains(p.Detail, "Try again later") {
		t.Errorf("detail: %q", p.Detail)
	}
	if p.RequestID == "" || p.RequestID != res.Header.Get("X-Request-Id") {
		t.Errorf("request_id %q, want the request's id %q", p.RequestID, res.Header.Get("X-Request-Id"))
	}
	if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}

	// Reads with the same token still answer.
	srv.as(tok).get("/api/v1/me").want(t, http.StatusOK)
	srv.as(tok).get("/api/v1/guides/backend-web-development").want(t, http.StatusOK)
}

// When the writes a request makes only for bookkeeping (the rate count,
// the token's last use) fail, whatever the reason, a read is served and
// logged; a change is not.
func TestFailedBookkeepingWritesDoNotFailReads(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "writes are refused with PRAGMA query_only on the single writer")
	srv := newServer(t)
	u := srv.user(models.RoleLearner)
	tok := srv.token(u, models.ScopeRead, models.ScopeWrite)
	if _, err := srv.DB.W.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}

	r := srv.as(tok).get("/api/v1/me").want(t, http.StatusOK)
	if got := r.Map(t)["id"]; got != float64(u.ID) {
		t.Errorf("me: id %v, want %d", got, u.ID)
	}
	if r.Header.Get("RateLimit-Remaining") != "" {
		t.Errorf("an uncounted read claims a remaining allowance: %q", r.Header.Get("RateLimit-Remaining"))
	}
	logs := srv.Logs.String()
	for _, want := range []string{
		"serving a read although noting the token's use failed",
		"serving a read although counting the request against the rate limit failed",
	} {
		if !strings.Contains(logs, want) || !strings.Contains(logs, "level=WARN") {
			t.Errorf("no warning %q in the log:\n%s", want, logs)
		}
	}

	res, body := srv.raw(http.MethodPut, notePath, tok, map[string]string{"body": "a note"})
	if res.StatusCode != http.StatusInternalServerError || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("PUT while writes fail: %d %s; want a 500 problem; body %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}

	if _, err := srv.DB.W.Exec(`PRAGMA query_only = OFF`); err != nil {
		t.Fatal(err)
	}
	r = srv.as(tok).get("/api/v1/me").want(t, http.StatusOK)
	if r.Header.Get("RateLimit-Remaining") == "" {
		t.Errorf("counting did not resume once writes work")
	}
}
