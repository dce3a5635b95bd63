// Package dbtest gives tests a real, migrated SQLite database in a
// temporary directory, closed and removed when the test ends.
package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"stepwise"
	"stepwise/db"
)

// New returns a fresh migrated database for t: a copy of one database
// migrated once per test binary, so each test pays for a file copy rather
// than for every migration.
func New(t testing.TB) *db.DB {
	t.Helper()
	return NewSeeded(t, "", nil)
}

// NewSeeded returns a fresh migrated database for t that seed has filled:
// like New, a copy of one image per test binary, made the first time a
// test asks for name, so the seeding (the built-in guide, say) is paid
// once rather than by every test. Tests that ask for the same name must
// pass the same seed.
//
// With STEPWISE_TEST_DATABASE=postgres (make test-postgres) the database is
// a fresh, migrated and seeded schema on the tests' PostgreSQL instead.
func NewSeeded(t testing.TB, name string, seed func(context.Context, *db.DB) error) *db.DB {
	t.Helper()
	if OnPostgres() {
		d := NewPostgres(t)
		if seed != nil {
			if err := seed(context.Background(), d); err != nil {
				t.Fatalf("seed %q: %v", name, err)
			}
		}
		return d
	}
	image, err := templateImage(name, seed)
	if err != nil {
		t.Fatalf("build the template database %q: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		t.Fatalf("copy the template database: %v", err)
	}
	d, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// templates holds one image per seed name, each built once.
var templates sync.Map // name → func() ([]byte, error)

func templateImage(name string, seed func(context.Context, *db.DB) error) ([]byte, error) {
	build, _ := templates.LoadOrStore(name, sync.OnceValues(func() ([]byte, error) {
		return buildImage(seed)
	}))
	return build.(func() ([]byte, error))()
}

// buildImage migrates a new database, seeds it, and returns its file's
// bytes. Closing the database checkpoints its WAL into the main file, so
// the file alone is the whole database.
func buildImage(seed func(context.Context, *db.DB) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "stepwise-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	d, err := db.Open(path, db.Options{})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if _, err := d.Migrate(ctx, stepwise.SQLiteMigrations()); err != nil {
		_ = d.Close()
		return nil, err
	}
	if seed != nil {
		if err := seed(ctx, d); err != nil {
			_ = d.Close()
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	if _, err := d.W.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := d.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path) // #nosec G304 -- our own temporary file, named above
}
