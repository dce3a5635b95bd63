package main

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"stepwise/db"
	"stepwise/db/dbtest"
)

// migrate status lists every migration, migrate down rolls back the
// newest (refused while a server holds the database), and migrate up
// applies it again.
func TestMigrateStatusDownUp(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "stepwise.db")
	if out, err := backupCommand(t, "migrate", "-database", dbPath); err != nil || !strings.Contains(out, "applied 14 migration(s)") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := backupCommand(t, "migrate", "status", "-database", dbPath)
	if err != nil || strings.Count(out, " applied ") != 14 || strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %v\n%s", err, out)
	}

	lock, err := db.LockDatabase(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = backupCommand(t, "migrate", "down", "-database", dbPath)
	var locked *db.LockedError
	if !errors.As(err, &locked) {
		t.Errorf("migrate down beside a server: %v, want a refusal", err)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}

	out, err = backupCommand(t, "migrate", "down", "-database", dbPath)
	if err != nil || !strings.Contains(out, "rolled back migration 14 (00014_image_blobs.sql)") {
		t.Fatalf("migrate down: %v\n%s", err, out)
	}
	// Flags may come first too.
	out, err = backupCommand(t, "migrate", "-database", dbPath, "status")
	if err != nil || !strings.Contains(out, "00014_image_blobs.sql                    pending") {
		t.Fatalf("status after down: %v\n%s", err, out)
	}
	if out, err := backupCommand(t, "migrate", "up", "-database", dbPath); err != nil || !strings.Contains(out, "applied 1 migration(s)") {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	if _, err := backupCommand(t, "migrate", "sideways", "-database", dbPath); err == nil || !strings.Contains(err.Error(), `unknown action "sideways"`) {
		t.Errorf("migrate sideways: %v", err)
	}
}

// backup and restore refuse a postgres:// database with a message that
// says what to do instead; serve refuses what would make instances differ:
// no shared secret key, the in-memory dev mailbox, per-instance ACME.
func TestPostgresRefusals(t *testing.T) {
	t.Parallel()
	url := dbtest.PostgresURL(t)
	serve := []string{"serve", "-addr", "127.0.0.1:0", "-admin-addr", "off", "-database", url}
	smtp := []string{"-smtp-url", "smtp://127.0.0.1:2525", "-mail-from", "stepwise@example.com", "-base-url", "https://learn.example.com"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "-database", url, t.TempDir() + "/b"}, "use pg_dump"},
		{[]string{"restore", "-database", url, t.TempDir()}, "use pg_restore"},
		{serve, "-smtp-url is required with PostgreSQL"},
		{append(append(slices.Clone(serve), smtp...), "-autocert", "learn.example.com"), "end TLS at the load balancer"},
		{append(slices.Clone(serve), smtp...), "STEPWISE_SECRET_KEY is required with PostgreSQL"},
	} {
		if _, err := backupCommand(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
