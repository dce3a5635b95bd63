package imagestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ErrNotFound is what a Store's Get returns for a key it does not hold.
var ErrNotFound = errors.New("image file not found")

// Store keeps image files by key (a content address, see Info.Key). The
// local directory is the default; shared storage (an object store) can
// implement the same three methods.
type Store interface {
	Put(ctx context.Context, key string, data []byte) error
	// Get returns ErrNotFound for a key it does not hold.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete of a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Dir is a Store in a local directory, one file per key, readable by the
// owner only.
type Dir struct{ dir string }

// NewDir returns a store in dir, created (0700) if needed.
func NewDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("image store: %w", err)
	}
	return &Dir{dir: dir}, nil
}

func (s *Dir) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrNotFound
	}
	return filepath.Join(s.dir, key), nil
}

// Put writes the file atomically (a temporary file renamed into place).
func (s *Dir) Put(_ context.Context, key string, data []byte) error {
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("image store: invalid key %q", key)
	}
	if _, err := os.Stat(p); err == nil {
		return nil // content-addressed: already there
	}
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("image store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}

// Get reads the file.
func (s *Dir) Get(_ context.Context, key string) ([]byte, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p) // #nosec G304 -- key is checked against imageKeyRE
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return data, err
}

// Delete removes the file.
func (s *Dir) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}

// Mem is a Store in memory, for tests.
type Mem struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMem returns an empty Mem.
func NewMem() *Mem { return &Mem{files: map[string][]byte{}} }

// Put stores a copy of data.
func (s *Mem) Put(_ context.Context, key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[key] = bytes.Clone(data)
	return nil
}

// Get returns the data or ErrNotFound.
func (s *Mem) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.files[key]
	if !ok {
		return nil, ErrNotFound
	}
	return d, nil
}

// Delete forgets the key.
func (s *Mem) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.files, key)
	return nil
}
