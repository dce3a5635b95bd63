package db

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A Lock is the exclusive claim of one process on a database file: the
// writer mutex, the single-writer connection and the background workers
// guarantee one writer per process only, so a second server on the same
// file must not start. The lock is an advisory flock(2) on "<database>.lock"
// beside the database, which the kernel releases when the process exits,
// however it exits: a crash leaves no stale lock behind. Short writes from
// other commands (create-admin) do not take it; they wait on SQLite's busy
// timeout beside a running server.
type Lock struct {
	f    *os.File
	path string
}

// LockedError is LockDatabase's refusal: another process holds the lock.
type LockedError struct {
	// Database is the database path as given, LockFile the lock beside it.
	Database, LockFile string
	// PID is the holder's process id, as it wrote it into the lock file;
	// zero when the file does not say (the holder is still starting).
	PID int
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "pid " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("another stepwise server is already using %s (lock %s held by %s)", e.Database, e.LockFile, holder)
}

// LockDatabase takes the lock of the database file at path, creating the
// directory and the lock file if needed, and writes this process's id
// into it. It does not wait: when another process holds the lock it
// returns a *LockedError naming that process.
func LockDatabase(path string) (*Lock, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create directory: %w", err)
		}
	}
	lockPath := lockFile(path)
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- the operator's database path
	if err != nil {
		return nil, fmt.Errorf("db: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := readPID(f)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Database: path, LockFile: lockPath, PID: pid}
		}
		return nil, fmt.Errorf("db: lock %s: %w", lockPath, err)
	}
	if err := writePID(f, os.Getpid()); err != nil {
		_ = f.Close() // closing releases the lock
		return nil, fmt.Errorf("db: write lock file %s: %w", lockPath, err)
	}
	return &Lock{f: f, path: lockPath}, nil
}

// lockFile is the lock's path for the database at path: beside the file
// the path leads to, so the same database reached through a symbolic link
// (to it or to its directory) gets the same lock, whether or not the
// database exists yet.
func lockFile(path string) string {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	p := filepath.Join(dir, base)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p + ".lock"
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up. The file stays: removing it would let a
// process that opened it just before lock an unlinked file while a third
// locks a new one, and both would believe they hold the lock. Its pid is
// cleared so a reader does not blame a process that has finished.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	err := f.Truncate(0)
	return errors.Join(err, f.Close()) // closing the last descriptor releases the flock
}

func writePID(f *os.File, pid int) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(pid)+"\n"), 0); err != nil {
		return err
	}
	return f.Sync()
}

// readPID returns the pid written in the lock file, or zero.
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
