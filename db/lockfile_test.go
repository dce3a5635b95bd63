package db

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLockDatabaseRefusesASecondHolder(t *testing.T) {
	t.Parallel()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sub", "stepwise.db")
	first, err := LockDatabase(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := first.Path(), path+".lock"; got != want {
		t.Errorf("lock file %q, want %q", got, want)
	}
	b, err := os.ReadFile(path + ".lock")
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, %v; want this pid %d", b, err, os.Getpid())
	}

	second, err := LockDatabase(path)
	var locked *LockedError
	if !errors.As(err, &locked) {
		_ = second.Release()
		t.Fatalf("second lock: got %v, want a *LockedError", err)
	}
	want := "another stepwise server is already using " + path + " (lock " + path + ".lock held by pid " + strconv.Itoa(os.Getpid()) + ")"
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}

	// The same file through a symbolic link is the same database.
	// The same file through a symbolic link, to it or to its directory,
	// is the same database.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fileLink, dirLink := filepath.Join(dir, "link.db"), filepath.Join(dir, "linked-dir")
	if err := os.Symlink(path, fileLink); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(path), dirLink); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fileLink, filepath.Join(dirLink, "stepwise.db")} {
		if l, err := LockDatabase(p); !errors.As(err, &locked) || locked.LockFile != path+".lock" {
			_ = l.Release()
			t.Errorf("lock through %s: got %v, want a *LockedError on %s.lock", p, err, path)
		}
	}

	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path + ".lock"); len(b) != 0 {
		t.Errorf("a released lock still names pid %q", b)
	}
	third, err := LockDatabase(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	if err := third.Release(); err != nil {
		t.Fatal(err)
	}
	if err := third.Release(); err != nil {
		t.Errorf("second release: %v", err)
	}
}

func TestLockedErrorWithoutPID(t *testing.T) {
	t.Parallel()
	err := &LockedError{Database: "data/stepwise.db", LockFile: "data/stepwise.db.lock"}
	if got, want := err.Error(), "another stepwise server is already using data/stepwise.db (lock data/stepwise.db.lock held by another process)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
