package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"stepwise/db"
	"stepwise/models"
)

func TestCreateAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "a.db")
	var out, errOut bytes.Buffer
	args := []string{"-database", dbPath, "-email", "Boss@Example.com", "-name", "Boss"}

	// A weak password is refused before anything is written.
	if err := createAdmin(ctx, args, strings.NewReader("password1\n"), &out, &errOut); err == nil {
		t.Fatal("weak password accepted")
	}
	if err := createAdmin(ctx, args, strings.NewReader("granite harbor velvet 19\n"), &out, &errOut); err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.Contains(out.String(), "created admin boss@example.com") {
		t.Errorf("output: %q", out.String())
	}
	// Run again: promotes (no password read), idempotent.
	out.Reset()
	if err := createAdmin(ctx, args, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("promote: %v", err)
	}
	if !strings.Contains(out.String(), "is now an admin") {
		t.Errorf("output: %q", out.String())
	}
	if err := createAdmin(ctx, []string{"-database", dbPath, "-email", "not-an-email"}, strings.NewReader(""), &out, &errOut); err == nil {
		t.Errorf("bad email accepted")
	}

	d, err := db.Open(dbPath, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m := models.New(d)
	u, err := m.Users.Authenticate(ctx, "boss@example.com", "granite harbor velvet 19")
	if err != nil || u.Role != models.RoleAdmin || u.EmailVerifiedAt == nil {
		t.Fatalf("admin: %+v, %v", u, err)
	}
	// Both runs are on the record, on the admin.
	for _, event := range []string{models.EventAdminCreated, models.EventAdminPromoted} {
		rows, _, err := m.Audit.List(ctx, models.AuditFilter{Event: event, UserID: u.ID})
		if err != nil || len(rows) != 1 || rows[0].TargetID == nil || *rows[0].TargetID != u.ID {
			t.Errorf("audit %s: %+v, %v; want one row on the admin", event, rows, err)
		}
	}
}
