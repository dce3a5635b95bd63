package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"stepwise"
	"stepwise/db"
)

// migrated opens a new, fully migrated database in a temporary directory.
func migrated(t *testing.T) (*db.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stepwise.db")
	d, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Migrate(context.Background(), stepwise.SQLiteMigrations()); err != nil {
		t.Fatal(err)
	}
	return d, path
}

// A backup taken while a writer commits row after row is whole and is the
// database of one moment: its rows are an unbroken prefix of what was
// written, at least all that was committed before the backup began.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, path := migrated(t)
	if _, err := d.Exec(ctx, `CREATE TABLE backup_probe (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for n := int64(1); ; n++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := d.Exec(ctx, `INSERT INTO backup_probe (n) VALUES (?)`, n); err != nil {
				done <- err
				return
			}
			written.Store(n)
		}
	}()
	for written.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	before := written.Load()
	dest := filepath.Join(t.TempDir(), "copy.db")
	snap, err := db.Backup(ctx, path, dest)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("a write failed during the backup: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	after := written.Load()

	latest, err := db.LatestVersion(stepwise.SQLiteMigrations())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != latest || snap.Size == 0 {
		t.Errorf("snapshot: %+v, want version %d and a size", snap, latest)
	}
	copyDB, err := db.Open(dest, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var count, maxN int64
	if err := copyDB.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(n), 0) FROM backup_probe`).Scan(&count, &maxN); err != nil {
		t.Fatal(err)
	}
	t.Logf("rows: %d committed before the backup, %d in the copy, %d after", before, count, after)
	if count != maxN || count < before || count > after {
		t.Errorf("the copy holds %d rows up to %d; want an unbroken prefix of at least %d and at most %d", count, maxN, before, after)
	}
	if _, err := os.Stat(dest + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary copy is left behind: %v", err)
	}
	if _, err := db.Backup(ctx, path, dest); err == nil {
		t.Error("a second backup over an existing file was not refused")
	}
}

// Check refuses anything that is not a whole, migrated database.
func TestCheckRefusesWhatIsNotADatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("this is not SQLite, just text that is long enough to be read"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	e, err := db.Open(empty, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Exec(ctx, `CREATE TABLE other (x)`); err != nil {
		t.Fatal(err)
	}
	_ = e.Close()
	_, migratedPath := migrated(t)
	truncated := filepath.Join(dir, "truncated.db")
	data, err := os.ReadFile(migratedPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{garbage, empty, truncated, dir} {
		if _, err := db.Check(ctx, path); !errors.Is(err, db.ErrNotADatabase) {
			t.Errorf("Check(%s) = %v, want ErrNotADatabase", filepath.Base(path), err)
		}
	}
}

// Restore swaps a checked backup in, keeps the database it replaces with
// its WAL, and refuses a backup from a newer schema without touching
// anything.
func TestRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, path := migrated(t)
	if _, err := d.Exec(ctx, `CREATE TABLE marker (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO marker (v) VALUES ('in the backup')`); err != nil {
		t.Fatal(err)
	}
	backupFile := filepath.Join(t.TempDir(), "backup.db")
	if _, err := db.Backup(ctx, path, backupFile); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `UPDATE marker SET v = 'after the backup'`); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	if _, _, err := db.Restore(ctx, backupFile, path, 1, time.Now()); !errors.Is(err, db.ErrNewerSchema) {
		t.Fatalf("restore into an older binary: %v, want ErrNewerSchema", err)
	}
	if got := marker(t, path); got != "after the backup" {
		t.Fatalf("a refused restore changed the database: %q", got)
	}

	latest, err := db.LatestVersion(stepwise.SQLiteMigrations())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	_, previous, err := db.Restore(ctx, backupFile, path, latest, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ".before-restore-20261205T100000Z"; previous != want {
		t.Errorf("previous database kept as %s, want %s", previous, want)
	}
	if got := marker(t, path); got != "in the backup" {
		t.Errorf("restored database: %q, want the backup's", got)
	}
	if got := marker(t, previous); got != "after the backup" {
		t.Errorf("kept database: %q, want the one replaced", got)
	}
}

func marker(t *testing.T, path string) string {
	t.Helper()
	d, err := db.Open(path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var v string
	if err := d.R.QueryRowContext(context.Background(), `SELECT v FROM marker`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
