package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/handlers/root"
)

// TestReadinessProvesTheWritePath: readiness answers 503 while the writer
// cannot be had (a stuck transaction holds it) and after writes failed for
// lack of space, though reads and /healthz still work.
func TestReadinessProvesTheWritePath(t *testing.T) {
	t.Parallel()
	dbtest.SQLiteOnly(t, "a stuck transaction holds SQLite's single writer; PostgreSQL has a pool")
	srv := newServer(t)
	c := srv.client()
	wantStatus(t, c.get("/readyz"), http.StatusOK)

	ctx := context.Background()
	conn, err := srv.DB.W.Conn(ctx) // the only writer connection, held
	if err != nil {
		t.Fatal(err)
	}
	r := c.get("/readyz")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if !strings.Contains(r.Body, "cannot write") {
		t.Errorf("readyz body %q does not say writes are stuck", r.Body)
	}
	wantStatus(t, c.get("/healthz"), http.StatusOK)
	wantStatus(t, c.get("/"), http.StatusOK) // reads go on
	_ = conn.Close()
	wantStatus(t, c.get("/readyz"), http.StatusOK)

	dbtest.Full(t, srv.DB)
	wantStatus(t, c.get("/readyz"), http.StatusOK) // nothing has failed yet
	// A write that needs a new page (a table's root) fails, as the
	// first write on a full disk would.
	if _, err := srv.DB.Exec(ctx, `CREATE TABLE filler (b BLOB)`); !db.IsStorageFull(err) {
		t.Fatalf("write on a full database: %v, want storage full", err)
	}
	wantStatus(t, c.get("/readyz"), http.StatusServiceUnavailable)
	wantStatus(t, c.get("/"), http.StatusOK) // reads go on
}

// TestReadinessDrains: once shutdown begins, readiness says so at once,
// and every answer closes its connection, so a balancer stops reusing
// kept-alive connections before the server closes them.
func TestReadinessDrains(t *testing.T) {
	t.Parallel()
	var draining atomic.Bool
	srv := newServer(t, func(d *root.Config) { d.Draining = draining.Load })
	c := srv.client()
	r := c.get("/readyz")
	wantStatus(t, r, http.StatusOK)
	if r.Close {
		t.Error("a connection closed before the shutdown")
	}
	draining.Store(true)
	wantStatus(t, c.get("/readyz"), http.StatusServiceUnavailable)
	r = c.get("/healthz")
	wantStatus(t, r, http.StatusOK)
	if !r.Close {
		t.Error("while draining, an answer kept its connection open")
	}
}

// TestStuckWriteBecomesAnError: a write that cannot get the writer (SQLite)
// or its table's lock (PostgreSQL) before the request's deadline answers
// 503 with Retry-After and a log line, instead of hanging: the query does
// not outlive the deadline. Once the writer is free, the same write
// succeeds.
func TestStuckWriteBecomesAnError(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(d *root.Config) { d.RequestTimeout = 2 * time.Second })
	c := srv.client()
	c.http.Timeout = 10 * time.Second // a hang fails the test instead of stalling it
	c.signup("stuck@example.com", "Stuck", "correct horse battery")
	const step = "/guides/backend-web-development/steps/1"
	tok := c.csrf(step)

	release := holdWrites(t, srv.DB, "progress")
	r := c.post(step+"/complete", url.Values{"csrf_token": {tok}})
	wantStatus(t, r, http.StatusServiceUnavailable)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a request that ran out of time")
	}
	if !strings.Contains(r.Body, "nothing was changed") {
		t.Errorf("page does not say what happened: %.300s", r.Body)
	}
	if !strings.Contains(srv.Logs.String(), "request deadline exceeded") {
		t.Error("no log line for the request that ran out of time")
	}
	if n := srv.progressRows("stuck@example.com"); n != 0 {
		t.Fatalf("%d progress rows after a refused write", n)
	}
	release()
	wantStatus(t, c.post(step+"/complete", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
	if n := srv.progressRows("stuck@example.com"); n != 1 {
		t.Fatalf("%d progress rows after the write, want 1", n)
	}
}

// holdWrites stops writes to table until release is called: on SQLite by
// holding the only writer connection, on PostgreSQL by a transaction that
// holds the table's EXCLUSIVE lock (reads go on).
func holdWrites(t *testing.T, d *db.DB, table string) (release func()) {
	t.Helper()
	ctx := context.Background()
	if d.Dialect() != db.Postgres {
		conn, err := d.W.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return func() { _ = conn.Close() }
	}
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+table+" IN EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	return func() { _ = tx.Rollback() }
}
