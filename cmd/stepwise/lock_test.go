package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"stepwise/db"
)

func TestSecondServeOnTheSameDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "stepwise.db")
	url, _, stop := startServe(t, dbPath)

	logs := &syncBuffer{}
	err = run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0", "-database", dbPath}, io.Discard, logs)
	var locked *db.LockedError
	if !errors.As(err, &locked) {
		_ = stop()
		t.Fatalf("second serve: got %v, want a refusal\n%s", err, logs.String())
	}
	want := fmt.Sprintf("another stepwise server is already using %s (lock %s.lock held by pid %d)", dbPath, dbPath, os.Getpid())
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}

	// The first server is undisturbed.
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("first server: /healthz %d after the refused start", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// Once it stopped, the database is free again.
	_, _, stop = startServe(t, dbPath)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
