package imagestore_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"stepwise/models/imagestore"
)

func TestDir(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "images")
	s, err := imagestore.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := testPNG(t, 2, 2)
	info, _ := imagestore.Check(data)
	if err := s.Put(ctx, info.Key(), data); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, info.Key()))
	if err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("stored file: %v, mode %v; want readable by the owner only", err, fi.Mode())
	}
	checkStore(t, s)
}

// checkStore is what every Store must do: keep a file by its key (the
// same file twice is fine), return it, refuse keys that are not content
// addresses, and forget it (a missing key too).
func checkStore(t *testing.T, s imagestore.Store) {
	t.Helper()
	ctx := context.Background()
	data := testPNG(t, 3, 2)
	info, _ := imagestore.Check(data)
	for range 2 {
		if err := s.Put(ctx, info.Key(), data); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(ctx, info.Key())
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("get: %v", err)
	}
	for _, bad := range []string{"../secret.key", "x.png", info.SHA256 + ".svg", "/etc/passwd"} {
		if _, err := s.Get(ctx, bad); !errors.Is(err, imagestore.ErrNotFound) {
			t.Errorf("get %q: got %v, want ErrNotFound", bad, err)
		}
		if err := s.Put(ctx, bad, data); err == nil {
			t.Errorf("put %q: got no error", bad)
		}
	}
	for range 2 {
		if err := s.Delete(ctx, info.Key()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Get(ctx, info.Key()); !errors.Is(err, imagestore.ErrNotFound) {
		t.Errorf("after delete: got %v", err)
	}
}

func TestMem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := imagestore.NewMem()
	data := []byte("picture")
	if err := s.Put(ctx, "k", data); err != nil {
		t.Fatal(err)
	}
	data[0] = 'X' // the store keeps its own copy
	if got, err := s.Get(ctx, "k"); err != nil || string(got) != "picture" {
		t.Errorf("get: %q, %v", got, err)
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, imagestore.ErrNotFound) {
		t.Errorf("after delete: got %v, want ErrNotFound", err)
	}
}
