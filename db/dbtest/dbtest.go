// Package dbtest gives tests a real, migrated SQLite database in a
// temporary directory, closed and removed when the test ends.
package dbtest

import (
	"context"
	"path/filepath"
	"testing"

	"stepwise"
	"stepwise/db"
)

// New returns a fresh migrated database for t.
func New(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(filepath.Join(t.TempDir(), "test.db"), db.Options{})
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Migrate(context.Background(), stepwise.SQLiteMigrations()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}
