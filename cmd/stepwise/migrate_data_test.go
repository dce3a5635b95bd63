package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"stepwise/db"
	"stepwise/db/dbtest"
)

// An operator moves a SQLite installation (demo users, guides, progress
// and an image) to PostgreSQL with migrate-data: every table and the image
// arrive, a second run finds everything there, and a source still held by
// a server is refused.
func TestMigrateDataCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "stepwise.db")
	if out, err := backupCommand(t, "seed-demo", "-database", dbPath, "-users", "3", "-guides", "2", "-steps", "3", "-password", "demo-password"); err != nil {
		t.Fatalf("seed-demo: %v\n%s", err, out)
	}
	src, err := db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := src.Exec(ctx, `INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, created_at)
		SELECT id, 'pixel.png', 'image/png', 'png', 5, 1, 1, ?, CURRENT_TIMESTAMP FROM guides LIMIT 1`, strings.TrimSuffix(testImageKey, ".png")); err != nil {
		t.Fatal(err)
	}
	var users int
	if err := src.Get(ctx, &users, `SELECT count(*) FROM users`); err != nil {
		t.Fatal(err)
	}
	_ = src.Close()
	if err := os.MkdirAll(imagesDir(dbPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(imagesDir(dbPath), testImageKey), []byte("image"), 0o600); err != nil {
		t.Fatal(err)
	}

	url := dbtest.PostgresURL(t)
	out, err := backupCommand(t, "migrate-data", "-from", "sqlite:"+dbPath, "-to", url)
	if err != nil {
		t.Fatalf("migrate-data: %v\n%s", err, out)
	}
	if !strings.Contains(out, "and 1 images from") || !strings.Contains(out, "users") || regexp.MustCompile(`(?m)^sessions `).MatchString(out) {
		t.Errorf("migrate-data said:\n%s", out)
	}
	dst, err := db.Open(url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var pgUsers, blobs int
	if err := dst.Get(ctx, &pgUsers, `SELECT count(*) FROM users`); err != nil || pgUsers != users {
		t.Errorf("users on PostgreSQL: %d (%v), want %d", pgUsers, err, users)
	}
	if err := dst.Get(ctx, &blobs, `SELECT count(*) FROM image_blobs WHERE key = ?`, testImageKey); err != nil || blobs != 1 {
		t.Errorf("the image on PostgreSQL: %d (%v), want 1", blobs, err)
	}

	out, err = backupCommand(t, "migrate-data", "-from", "sqlite:"+dbPath, "-to", url)
	if err != nil || strings.Contains(out, " copied ") || !strings.Contains(out, "already there") {
		t.Errorf("second run: %v\n%s", err, out)
	}

	lock, err := db.LockDatabase(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Release() }()
	if _, err := backupCommand(t, "migrate-data", "-from", dbPath, "-to", url); err == nil {
		t.Error("migrate-data beside a running server: no refusal")
	}
}
