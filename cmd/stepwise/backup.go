package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"stepwise"
	"stepwise/db"
	"stepwise/models/imagestore"
)

// A backup is a directory: stepwise.db (a consistent copy of the
// database, made while the server runs) and images/ (the uploaded files
// its rows refer to).
const (
	backupDatabase = "stepwise.db"
	backupImages   = "images"
)

// backup copies a live installation into a new directory.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", env("STEPWISE_DATABASE", "data/stepwise.db"), "SQLite database file (env STEPWISE_DATABASE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: stepwise backup [-database FILE] DIR\n\nCopies the database (while the server keeps serving) and its images into DIR, which must not exist.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup: name one directory to write the backup to")
	}
	dir := fs.Arg(0)
	if db.IsPostgresURL(*database) {
		return errors.New("backup: for PostgreSQL use pg_dump (see the README's Backups)")
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("backup: %s already exists; name a new directory", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, backupImages), 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	images := imagesDir(*database)
	// Image files are named by their content and never change, so they
	// are copied before the database (every file that may be referred
	// to) and once more after it (files uploaded meanwhile); the check
	// below then proves every file the copy refers to is there.
	if _, err := copyImages(images, filepath.Join(dir, backupImages)); err != nil {
		return fmt.Errorf("backup: images: %w", err)
	}
	snap, err := db.Backup(ctx, *database, filepath.Join(dir, backupDatabase))
	if err != nil {
		return err
	}
	if _, err := copyImages(images, filepath.Join(dir, backupImages)); err != nil {
		return fmt.Errorf("backup: images: %w", err)
	}
	if missing := missingImages(filepath.Join(dir, backupImages), snap.ImageKeys); len(missing) > 0 {
		return fmt.Errorf("backup: %d image file(s) the database refers to are not in %s (first: %s); they were deleted during the backup or are lost: run the backup again", len(missing), images, missing[0])
	}
	fmt.Fprintf(stdout, "backed up %s to %s: schema version %d, %s, %d image(s), integrity ok\n",
		*database, dir, snap.Version, byteSize(snap.Size), len(snap.ImageKeys))
	return nil
}

// restore puts a backup in place of the database, refusing while a
// server holds it.
func restore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := fs.String("database", env("STEPWISE_DATABASE", "data/stepwise.db"), "SQLite database file (env STEPWISE_DATABASE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: stepwise restore [-database FILE] DIR\n\nChecks the backup in DIR (made by stepwise backup) and puts it in place of the database; the server must be stopped.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: name the backup directory")
	}
	dir := fs.Arg(0)
	if db.IsPostgresURL(*database) {
		return errors.New("restore: for PostgreSQL use pg_restore (see the README's Backups)")
	}
	lock, err := db.LockDatabase(*database)
	if err != nil {
		var locked *db.LockedError
		if errors.As(err, &locked) {
			return fmt.Errorf("restore: %w; stop the server first", err)
		}
		return err
	}
	defer lock.Release() //nolint:errcheck // the process ends next

	latest, err := db.LatestVersion(stepwise.SQLiteMigrations())
	if err != nil {
		return err
	}
	// The backup is checked whole before anything changes: its database
	// (inside Restore) and every image file it refers to.
	snap, err := db.Check(ctx, filepath.Join(dir, backupDatabase))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if missing := missingImages(filepath.Join(dir, backupImages), snap.ImageKeys); len(missing) > 0 {
		return fmt.Errorf("restore: the backup lacks %d image file(s) its database refers to (first: %s)", len(missing), missing[0])
	}
	// Images first: extra files are harmless, a missing one is not.
	copied, err := copyImages(filepath.Join(dir, backupImages), imagesDir(*database))
	if err != nil {
		return fmt.Errorf("restore: images: %w", err)
	}
	snap, previous, err := db.Restore(ctx, filepath.Join(dir, backupDatabase), *database, latest, time.Now())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s from %s: schema version %d, %d image(s) (%d copied)\n", *database, dir, snap.Version, len(snap.ImageKeys), copied)
	if previous != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", previous)
	}
	if snap.Version < latest {
		fmt.Fprintf(stdout, "the next start migrates it from version %d to %d\n", snap.Version, latest)
	}
	return nil
}

// imagesDir is where serve keeps the uploaded images of the database at
// path.
func imagesDir(database string) string {
	return filepath.Join(filepath.Dir(database), "images")
}

// copyImages copies into to every image file of from that to lacks and
// returns how many it copied. A from that does not exist holds none.
func copyImages(from, to string) (int, error) {
	entries, err := os.ReadDir(from)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() || !imagestore.ValidKey(e.Name()) {
			continue // an upload still being written, or not ours
		}
		dest := filepath.Join(to, e.Name())
		if _, err := os.Stat(dest); err == nil {
			continue
		}
		if err := copyNew(filepath.Join(from, e.Name()), dest); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// copyNew copies src to dest through a temporary file, so dest is whole
// or absent.
func copyNew(src, dest string) error {
	in, err := os.Open(src) // #nosec G304 -- a file of the image directory
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".copy-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := io.Copy(tmp, in); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}

// missingImages are the keys with no file in dir.
func missingImages(dir string, keys []string) []string {
	var missing []string
	for _, key := range keys {
		if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
			missing = append(missing, key)
		}
	}
	return missing
}

// byteSize is n in the largest unit that keeps it at least 1.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
