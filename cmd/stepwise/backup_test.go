package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stepwise/db"
)

const testImageKey = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.png"

// backupCommand runs "stepwise backup" or "restore" and returns what it
// printed.
func backupCommand(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

// An operator backs up a running server, its images included, then stops
// it and restores: the data is the backup's again and the image is back.
// Restoring while the server runs is refused and changes nothing.
func TestBackupAndRestoreCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "stepwise.db")
	url, _, stop := startServe(t, dbPath)

	// One image: a row that refers to a file in images/.
	d, err := db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.Exec(ctx, `INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, created_at)
		SELECT id, 'pixel.png', 'image/png', 'png', 5, 1, 1, ?, CURRENT_TIMESTAMP FROM guides LIMIT 1`, strings.TrimSuffix(testImageKey, ".png")); err != nil {
		t.Fatal(err)
	}
	imageFile := filepath.Join(imagesDir(dbPath), testImageKey)
	if err := os.WriteFile(imageFile, []byte("image"), 0o600); err != nil {
		t.Fatal(err)
	}

	backupDir := filepath.Join(t.TempDir(), "backup")
	out, err := backupCommand(t, "backup", "-database", dbPath, backupDir)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 image(s), integrity ok") {
		t.Errorf("backup said: %s", out)
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the server stopped serving during the backup: %v %v", resp, err)
	}
	resp.Body.Close()

	// Changes after the backup: the image is gone and a guide renamed.
	if err := os.Remove(imageFile); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `UPDATE guides SET title = 'Changed after the backup'`); err != nil {
		t.Fatal(err)
	}

	out, err = backupCommand(t, "restore", "-database", dbPath, backupDir)
	var locked *db.LockedError
	if !errors.As(err, &locked) || !strings.Contains(err.Error(), "stop the server first") {
		t.Fatalf("restore beside a running server: %v, want a refusal\n%s", err, out)
	}
	if _, err := os.Stat(imageFile); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused restore copied images")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_ = d.Close()

	out, err = backupCommand(t, "restore", "-database", dbPath, backupDir)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if !strings.Contains(out, "(1 copied)") || !strings.Contains(out, "is kept as "+dbPath+".before-restore-") {
		t.Errorf("restore said: %s", out)
	}
	if _, err := os.Stat(imageFile); err != nil {
		t.Errorf("the image is not back: %v", err)
	}
	r, err := db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var changed int
	if err := r.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM guides WHERE title = 'Changed after the backup'`).Scan(&changed); err != nil {
		t.Fatal(err)
	}
	if changed != 0 {
		t.Errorf("%d guides keep the change made after the backup", changed)
	}
}

// A backup that lacks an image file its database refers to is refused
// before anything changes, and so is a directory that is not a backup.
func TestRestoreRefusesAnIncompleteBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "stepwise.db")
	d, _, err := openDatabase(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), `INSERT INTO guides (slug, title, summary, created_at, updated_at) VALUES ('g', 'G', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), `INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, created_at)
		SELECT id, 'pixel.png', 'image/png', 'png', 5, 1, 1, ?, CURRENT_TIMESTAMP FROM guides`, strings.TrimSuffix(testImageKey, ".png")); err != nil {
		t.Fatal(err)
	}
	_ = d.Close()

	// The image file was never written: the backup itself refuses.
	out, err := backupCommand(t, "backup", "-database", dbPath, filepath.Join(t.TempDir(), "b"))
	if err == nil || !strings.Contains(err.Error(), "not in") {
		t.Errorf("backup without the image file: %v\n%s", err, out)
	}

	// A hand-made backup without it: restore refuses.
	hand := t.TempDir()
	if _, err := db.Backup(context.Background(), dbPath, filepath.Join(hand, backupDatabase)); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backupCommand(t, "restore", "-database", dbPath, hand); err == nil || !strings.Contains(err.Error(), "lacks 1 image") {
		t.Errorf("restore of a backup without its image: %v", err)
	}
	if _, err := backupCommand(t, "restore", "-database", dbPath, t.TempDir()); err == nil {
		t.Error("restore of an empty directory was not refused")
	}
	after, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("a refused restore changed the database")
	}
}
