// Package db opens Stepwise's database and carries transactions in the
// context. SQLite is the embedded default: one writer connection serializes
// every write (so writers queue on a mutex instead of failing with "database
// is locked") and a pool of read-only connections serves reads in parallel,
// which WAL mode allows.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
)

// DB is a writer and a reader handle onto one database, with a cache of
// prepared statements for each.
type DB struct {
	// W is the single writer connection (SQLite) used for every write and
	// every transaction.
	W *sqlx.DB
	// R is the pool used for reads outside a transaction.
	R *sqlx.DB

	wStmts stmtCache
	rStmts stmtCache

	// health remembers failed writes for readiness (write_health.go).
	health writeHealth

	// queries counts statements run through Get, Select, Exec and
	// GetWrite, so tests can prove a page's query count is fixed.
	queries atomic.Int64
	// retries counts transactions run again after a serialization
	// failure (tx.go; PostgreSQL only).
	retries atomic.Int64
	// keyed queues WithTxFor's callers of one key inside the process.
	keyed keyLocks

	// dialect is the database's kind; "" is SQLite.
	dialect Dialect
}

// QueryCount returns how many statements have run through this DB's query
// methods so far.
func (d *DB) QueryCount() int64 { return d.queries.Load() }

// Options tune how the database is opened.
type Options struct {
	// Readers is the size of the read pool; zero picks one from the CPU count.
	Readers int
}

// errNoFTS5 is Open's error in a binary built without the sqlite_fts5 tag.
var errNoFTS5 = errors.New("db: stepwise must be built with -tags sqlite_fts5 (use make, or pass -tags sqlite_fts5 to go build, go run and go test): the search index needs SQLite's FTS5")

// Open opens the SQLite database file at path, creating its directory if
// needed, or the PostgreSQL server a postgres:// URL names (postgres.go).
// SQLite's pragmas go in the DSN so they reach every pooled connection.
func Open(path string, opts Options) (*DB, error) {
	if IsPostgresURL(path) {
		return openPostgres(path, opts)
	}
	if !fts5Built {
		return nil, errNoFTS5
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create directory: %w", err)
		}
	}
	common := url.Values{}
	common.Set("_journal_mode", "WAL")
	common.Set("_busy_timeout", "5000")
	common.Set("_foreign_keys", "on")
	common.Set("_synchronous", "NORMAL")

	wq := cloneValues(common)
	// Immediate transactions take the write lock up front, so a transaction
	// that reads then writes never fails to upgrade with SQLITE_BUSY.
	wq.Set("_txlock", "immediate")
	w, err := sqlx.Open("sqlite3", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("db: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.Ping(); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}

	rq := cloneValues(common)
	rq.Set("_query_only", "true")
	r, err := sqlx.Open("sqlite3", "file:"+path+"?"+rq.Encode())
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("db: open readers: %w", err)
	}
	n := opts.Readers
	if n <= 0 {
		n = max(2, runtime.NumCPU())
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	return &DB{W: w, R: r}, nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Close closes the prepared statements and both handles.
func (d *DB) Close() error {
	d.wStmts.close()
	d.rStmts.close()
	if d.R == d.W {
		return d.W.Close()
	}
	return errors.Join(d.R.Close(), d.W.Close())
}

// Ping checks that the database answers a query (readiness).
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.R.GetContext(ctx, &one, "SELECT 1")
}

// Get runs query and scans one row into dest, inside the context's
// transaction when there is one.
func (d *DB) Get(ctx context.Context, dest any, query string, args ...any) error {
	stmt, err := d.readStmt(ctx, query)
	if err != nil {
		return err
	}
	return stmt.GetContext(ctx, dest, args...)
}

// Select runs query and scans every row into dest (a pointer to a slice).
func (d *DB) Select(ctx context.Context, dest any, query string, args ...any) error {
	stmt, err := d.readStmt(ctx, query)
	if err != nil {
		return err
	}
	return stmt.SelectContext(ctx, dest, args...)
}

// Exec runs a write on the writer, inside the context's transaction when
// there is one.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	stmt, err := d.writeStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := stmt.ExecContext(ctx, args...)
	return res, d.health.note(err)
}

// GetWrite is Get on the writer: for INSERT … RETURNING and for reads that
// must see the transaction's own writes.
func (d *DB) GetWrite(ctx context.Context, dest any, query string, args ...any) error {
	stmt, err := d.writeStmt(ctx, query)
	if err != nil {
		return err
	}
	return d.health.note(stmt.GetContext(ctx, dest, args...))
}

func (d *DB) readStmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if tx := txFrom(ctx); tx != nil {
		return d.writeStmt(ctx, query)
	}
	d.queries.Add(1)
	return d.rStmts.get(ctx, d.R, query)
}

func (d *DB) writeStmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	d.queries.Add(1)
	if tx := txFrom(ctx); tx != nil {
		// The transaction holds the only writer connection, so preparing
		// on the pool here would wait for it forever. Use the cached
		// statement if there is one, otherwise prepare on the transaction
		// (closed when it ends).
		if stmt := d.wStmts.cached(query); stmt != nil {
			return tx.StmtxContext(ctx, stmt), nil
		}
		stmt, err := tx.PreparexContext(ctx, tx.Rebind(query))
		if err != nil {
			return nil, fmt.Errorf("db: prepare: %w", err)
		}
		return stmt, nil
	}
	return d.wStmts.get(ctx, d.W, query)
}

// stmtCache prepares each distinct query once per handle; database/sql
// re-prepares it transparently on each pooled connection.
//
// Its lock is never held while waiting for anything else (a connection, a
// query): every path that takes it only reads or writes the map.
type stmtCache struct {
	mu     sync.RWMutex
	m      map[string]*sqlx.Stmt
	closed bool
}

// errClosed is a query's error once the database is closing.
var errClosed = errors.New("db: closed")

func (c *stmtCache) cached(query string) *sqlx.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

func (c *stmtCache) get(ctx context.Context, h *sqlx.DB, query string) (*sqlx.Stmt, error) {
	if s := c.cached(query); s != nil {
		return s, nil
	}
	// Prepare without holding the lock: preparing waits for a connection,
	// and on the writer that connection may belong to a transaction that
	// needs this lock (cached) before it can finish and give it back.
	s, err := h.PreparexContext(ctx, h.Rebind(query))
	if err != nil {
		return nil, fmt.Errorf("db: prepare: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		_ = s.Close()
		return nil, errClosed
	}
	if old, ok := c.m[query]; ok {
		// Another goroutine prepared it meanwhile; keep one.
		_ = s.Close()
		return old, nil
	}
	if c.m == nil {
		c.m = make(map[string]*sqlx.Stmt)
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		_ = s.Close()
	}
	c.m = nil
	c.closed = true
}

// IsUniqueViolation reports whether err is a unique or primary-key
// constraint failure, on SQLite or PostgreSQL (SQLSTATE 23505).
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return pgErrorCode(err) == "23505"
}
