package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // -database postgres://…
)

// benchDB is the database the measured server runs on: a fresh SQLite
// file in the temporary directory, or a fresh schema of the PostgreSQL
// given by -database, dropped afterwards.
type benchDB struct {
	// url is what the server, seed-demo and the checks open.
	url string
	// env is what the server needs besides its flags.
	env []string
	// postgres says which of the two it is.
	postgres bool
	drop     func() error
}

// newBenchDB makes the database: sqlitePath when pgURL is empty, else a
// new schema on pgURL.
func newBenchDB(ctx context.Context, sqlitePath, pgURL string) (*benchDB, error) {
	if pgURL == "" {
		return &benchDB{url: sqlitePath, drop: func() error { return nil }}, nil
	}
	if !strings.HasPrefix(pgURL, "postgres://") && !strings.HasPrefix(pgURL, "postgresql://") {
		return nil, fmt.Errorf("-database %q: want a postgres:// URL (without it the benchmark runs on SQLite)", pgURL)
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		return nil, fmt.Errorf("-database: %w", err)
	}
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	// Several instances share one key; the benchmark makes one for its run.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &benchDB{
		url:      u.String(),
		env:      []string{"STEPWISE_SECRET_KEY=" + base64.StdEncoding.EncodeToString(key)},
		postgres: true,
		drop: func() error {
			admin, err := sql.Open("pgx", pgURL)
			if err != nil {
				return err
			}
			defer admin.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
			return err
		},
	}, nil
}

// name is how the report names the database.
func (d *benchDB) name() string {
	if d.postgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

// serverArgs are the flags serve needs on this database. On PostgreSQL an
// instance refuses the dev mailbox; the benchmark sends no mail, so an
// SMTP address nothing listens on does.
func (d *benchDB) serverArgs(addr string) []string {
	if !d.postgres {
		return nil
	}
	return []string{"-smtp-url", "smtp://127.0.0.1:1", "-mail-from", "bench@example.com", "-base-url", "http://" + addr}
}
