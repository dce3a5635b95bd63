package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/mattn/go-sqlite3"

	"stepwise/db"
	"stepwise/db/dbtest"
)

// TestIsStorageFullOnAFullDatabase fills a real database: with its page
// limit at its current size, a write that needs a new page fails with
// SQLITE_FULL, which IsStorageFull recognises through the wrapping the
// models add; reads keep working.
func TestIsStorageFullOnAFullDatabase(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE blobs (b TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO blobs VALUES ('small')`); err != nil {
		t.Fatal(err)
	}
	dbtest.Full(t, d)

	_, err := d.Exec(ctx, `INSERT INTO blobs VALUES (?)`, strings.Repeat("x", 64<<10))
	if err == nil {
		t.Fatal("a write beyond the page limit succeeded")
	}
	if !db.IsStorageFull(fmt.Errorf("save: %w", err)) {
		t.Errorf("db.IsStorageFull(%v) = false, want true", err)
	}
	err = d.WithTx(ctx, func(ctx context.Context) error {
		_, err := d.Exec(ctx, `INSERT INTO blobs VALUES (?)`, strings.Repeat("y", 64<<10))
		return err
	})
	if !db.IsStorageFull(err) {
		t.Errorf("in a transaction: db.IsStorageFull(%v) = false, want true", err)
	}
	var n int
	if err := d.Get(ctx, &n, `SELECT count(*) FROM blobs`); err != nil || n != 1 {
		t.Errorf("read on a full database: %d rows, %v; want 1, nil", n, err)
	}
}

func TestIsStorageFullKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"other error", errors.New("boom"), false},
		{"SQLITE_FULL", sqlite3.Error{Code: sqlite3.ErrFull}, true},
		{"I/O error, no space", fmt.Errorf("commit: %w", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.ENOSPC}), true},
		{"I/O error, quota", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EDQUOT}, true},
		{"I/O error, other", sqlite3.Error{Code: sqlite3.ErrIoErr, SystemErrno: syscall.EIO}, false},
		{"busy", sqlite3.Error{Code: sqlite3.ErrBusy}, false},
		{"unique violation", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintUnique}, false},
		{"file write, no space", fmt.Errorf("store image: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), true},
		{"file write, denied", &os.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, false},
	} {
		if got := db.IsStorageFull(tc.err); got != tc.want {
			t.Errorf("%s: db.IsStorageFull(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
