package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedDemoCommand(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	args := []string{"seed-demo", "--users", "3", "--guides", "2", "--steps", "2", "--progress", "0.5",
		"--password", "demo-password", "-database", dbPath}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("seed-demo: %v\n%s", err, stderr.String())
	}
	if want := "3 users, 2 guides, 4 steps, 6 progress rows"; !strings.Contains(stdout.String(), want) {
		t.Errorf("summary = %q, want it to contain %q", stdout.String(), want)
	}
	if !strings.Contains(stderr.String(), "users 3/3") {
		t.Errorf("progress output = %q, want a users line", stderr.String())
	}

	err := run(context.Background(), args, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "already has users") {
		t.Errorf("second seed-demo: err = %v, want a refusal", err)
	}
}
