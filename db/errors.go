package db

import (
	"errors"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// IsStorageFull reports whether err means the disk (or the database's
// size limit) is full, so nothing can be written until space is freed:
// SQLite's SQLITE_FULL, an SQLite I/O error whose system error is "no
// space left on device" or "disk quota exceeded", or either of those from
// the operating system itself (writing an uploaded file). Reads still
// work; callers answer 503 rather than a generic 500.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		if se.Code == sqlite3.ErrFull {
			return true
		}
		if se.Code == sqlite3.ErrIoErr && noSpace(se.SystemErrno) {
			return true
		}
	}
	if pgErrorCode(err) == "53100" { // PostgreSQL's disk_full
		return true
	}
	var errno syscall.Errno
	return errors.As(err, &errno) && noSpace(errno)
}

// noSpace reports whether errno says the file system has no room.
func noSpace(errno syscall.Errno) bool {
	return errno == syscall.ENOSPC || errno == syscall.EDQUOT
}
