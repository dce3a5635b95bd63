package db

import (
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
)

// Dialect is the kind of SQL database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// IsPostgresURL reports whether a -database value names a PostgreSQL
// server (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Dialect is the kind of database d speaks.
func (d *DB) Dialect() Dialect {
	if d.dialect == "" {
		return SQLite
	}
	return d.dialect
}

// SkipLocked is the clause that ends a SELECT whose rows a worker is about
// to claim: on PostgreSQL it locks the rows of table alias (FOR UPDATE OF
// alias SKIP LOCKED) so that concurrent claimers take different rows
// without waiting; SQLite, whose single writer runs one claim at a time,
// needs none.
func (d *DB) SkipLocked(alias string) string {
	if d.Dialect() != Postgres {
		return ""
	}
	return " FOR UPDATE OF " + alias + " SKIP LOCKED"
}

// openPostgres opens a pool on the PostgreSQL server at url through pgx's
// database/sql driver. PostgreSQL takes many writers at once, so the
// writer and the readers are one pool; sqlx's Rebind turns the models'
// ? placeholders into $1, $2, … for it (sqlx knows the "pgx" driver).
func openPostgres(url string, opts Options) (*DB, error) {
	h, err := sqlx.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("db: open PostgreSQL: %w", err)
	}
	n := opts.Readers
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	h.SetMaxOpenConns(n)
	h.SetMaxIdleConns(n)
	if err := h.Ping(); err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("db: PostgreSQL at %s: %w", Redact(url), err)
	}
	return &DB{W: h, R: h, dialect: Postgres}, nil
}

// Redact hides the password of a database URL, for messages.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the -database URL"
	}
	return u.Redacted()
}

// pgErrorCode is the SQLSTATE of a PostgreSQL error, or "".
func pgErrorCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
