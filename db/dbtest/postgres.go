package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"stepwise"
	"stepwise/db"
)

// PostgresDSN is the PostgreSQL server the tests use: the developers' and
// CI's machines run one there (trust auth, database test).
const PostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&connect_timeout=3"

// PostgresURL creates a throwaway schema on the tests' PostgreSQL,
// dropped when t ends, and returns a URL whose connections work in it.
// Without PostgreSQL t is skipped, or fails under CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	unreachable := func(err error) {
		t.Helper()
		msg := fmt.Sprintf("PostgreSQL at %s is not reachable (%v); start one there (database \"test\", user \"postgres\") to run the PostgreSQL tests", PostgresDSN, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	admin, err := sql.Open("pgx", PostgresDSN)
	if err != nil {
		unreachable(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := admin.PingContext(pingCtx); err != nil {
		unreachable(err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return PostgresDSN + "&search_path=" + schema
}

// NewPostgres returns a migrated database in a throwaway PostgreSQL
// schema, closed when t ends (before the schema is dropped).
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(PostgresURL(t), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Migrate(context.Background(), stepwise.PostgresMigrations()); err != nil {
		t.Fatal(err)
	}
	return d
}
