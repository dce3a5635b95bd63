package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Backup writes a consistent copy of the SQLite database at src to dest
// while servers keep using src. VACUUM INTO reads src in one read
// transaction, which WAL mode lets run beside the writer, so the copy is
// the database as of one moment, compacted. dest must not exist; the copy
// is written beside it under a temporary name, checked (Check), and only
// then renamed into place, so a dest that exists is always whole.
func Backup(ctx context.Context, src, dest string) (Snapshot, error) {
	if _, err := os.Stat(src); err != nil {
		return Snapshot{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		return Snapshot{}, fmt.Errorf("backup: %s already exists", dest)
	}
	partial := dest + ".partial"
	_ = os.Remove(partial) // left by an interrupted backup
	conn, err := sql.Open("sqlite3", "file:"+src+"?"+url.Values{"_busy_timeout": {"5000"}}.Encode())
	if err != nil {
		return Snapshot{}, fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		_ = os.Remove(partial)
		return Snapshot{}, fmt.Errorf("backup: copy %s: %w", src, err)
	}
	snap, err := Check(ctx, partial)
	if err != nil {
		_ = os.Remove(partial)
		return Snapshot{}, fmt.Errorf("backup: the copy fails its check: %w", err)
	}
	if err := os.Rename(partial, dest); err != nil {
		_ = os.Remove(partial)
		return Snapshot{}, fmt.Errorf("backup: %w", err)
	}
	return snap, nil
}

// Snapshot is what Check found in a database file.
type Snapshot struct {
	// Version is the newest migration applied to it.
	Version int64
	// Size is the file's size in bytes.
	Size int64
	// ImageKeys are the image files its rows refer to (imagestore keys).
	ImageKeys []string
}

// ErrNotADatabase is wrapped by Check's refusal of a file that is not a
// whole Stepwise database.
var ErrNotADatabase = errors.New("not a whole Stepwise database")

// Check opens the SQLite file at path read-only and proves it whole:
// PRAGMA integrity_check answers ok and the migrations table names a
// schema version. It changes nothing in the file.
func Check(ctx context.Context, path string) (Snapshot, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Snapshot{}, err
	}
	if !st.Mode().IsRegular() {
		return Snapshot{}, fmt.Errorf("%s: %w (not a regular file)", path, ErrNotADatabase)
	}
	conn, err := sql.Open("sqlite3", "file:"+path+"?"+url.Values{"mode": {"ro"}}.Encode())
	if err != nil {
		return Snapshot{}, err
	}
	defer conn.Close()
	var verdict string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil {
		return Snapshot{}, fmt.Errorf("%s: %w: %v", path, ErrNotADatabase, err)
	}
	if verdict != "ok" {
		return Snapshot{}, fmt.Errorf("%s: %w: integrity_check says %q", path, ErrNotADatabase, verdict)
	}
	snap := Snapshot{Size: st.Size()}
	err = conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&snap.Version)
	if err != nil || snap.Version == 0 {
		return Snapshot{}, fmt.Errorf("%s: %w: no schema version (%v)", path, ErrNotADatabase, err)
	}
	var hasImages bool
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'images'`).Scan(&hasImages); err != nil || !hasImages {
		return snap, err // a schema from before images
	}
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT sha256 || '.' || ext FROM images ORDER BY 1`)
	if err != nil {
		return Snapshot{}, fmt.Errorf("%s: %w: %v", path, ErrNotADatabase, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return Snapshot{}, err
		}
		snap.ImageKeys = append(snap.ImageKeys, key)
	}
	return snap, rows.Err()
}

// LatestVersion is the newest migration in fsys (files named like
// 00013_name.sql): the schema version this binary migrates a database to.
func LatestVersion(fsys fs.FS) (int64, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, name := range names {
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: no version number", name)
		}
		latest = max(latest, v)
	}
	if latest == 0 {
		return 0, errors.New("no migrations")
	}
	return latest, nil
}

// ErrNewerSchema is Restore's refusal of a backup made by a newer
// Stepwise than this binary.
var ErrNewerSchema = errors.New("the backup's schema is newer than this binary's")

// Restore puts the backup file in place of the database at dest and
// returns what it checked and where the database it replaced now is
// (empty when there was none). The caller holds dest's Lock, so no server
// uses it. The backup must pass Check and carry a schema version no newer
// than latest (an older one is migrated up by the next start). The
// replaced database is kept, with its WAL, under
// "<dest>.before-restore-<time>": a restore is undone by renaming it back.
func Restore(ctx context.Context, backup, dest string, latest int64, now time.Time) (snap Snapshot, previous string, err error) {
	snap, err = Check(ctx, backup)
	if err != nil {
		return Snapshot{}, "", err
	}
	if snap.Version > latest {
		return Snapshot{}, "", fmt.Errorf("%w: it is at version %d, this binary knows up to %d; restore it with a newer stepwise", ErrNewerSchema, snap.Version, latest)
	}
	incoming := dest + ".restoring"
	if err := copyFile(backup, incoming); err != nil {
		_ = os.Remove(incoming)
		return Snapshot{}, "", fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		previous = dest + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		// The WAL and the shared-memory index go with their database:
		// left behind, SQLite would replay the old WAL into the restored
		// file.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(dest+suffix, previous+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				_ = os.Remove(incoming)
				return Snapshot{}, "", fmt.Errorf("restore: keep the current database: %w", err)
			}
		}
	}
	if err := os.Rename(incoming, dest); err != nil {
		return Snapshot{}, previous, fmt.Errorf("restore: %w", err)
	}
	return snap, previous, nil
}

// copyFile copies src to a new file dest and syncs it to disk.
func copyFile(src, dest string) error {
	in, err := os.Open(src) // #nosec G304 -- the operator's backup file
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- beside the operator's database
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
