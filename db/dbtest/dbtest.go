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
	image, err := migratedImage()
	if err != nil {
		t.Fatalf("migrate the template database: %v", err)
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

var template struct {
	once  sync.Once
	image []byte
	err   error
}

// migratedImage returns the bytes of a freshly migrated database file,
// made on first use. Closing the database checkpoints its WAL into the
// main file, so the file alone is the whole database.
func migratedImage() ([]byte, error) {
	template.once.Do(func() {
		template.image, template.err = buildImage()
	})
	return template.image, template.err
}

func buildImage() ([]byte, error) {
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
	if _, err := d.Migrate(context.Background(), stepwise.SQLiteMigrations()); err != nil {
		_ = d.Close()
		return nil, err
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
