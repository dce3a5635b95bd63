package imagestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Table is a Store in the database's image_blobs table: every instance
// that shares the database sees every file, with no shared directory to
// mount, and a database backup holds the images. Files are at most
// MaxBytes, so keeping them in rows costs little.
type Table struct{ db *db.DB }

// NewTable returns a store in d's image_blobs table.
func NewTable(d *db.DB) *Table { return &Table{db: d} }

// Put stores the file once; storing a key again changes nothing (the key
// is the content's hash).
func (s *Table) Put(ctx context.Context, key string, data []byte) error {
	if !ValidKey(key) {
		return fmt.Errorf("image store: invalid key %q", key)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO image_blobs (key, data, created_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, key, data, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}

// Get reads the file.
func (s *Table) Get(ctx context.Context, key string) ([]byte, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	var data []byte
	err := s.db.Get(ctx, &data, `SELECT data FROM image_blobs WHERE key = ?`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("image store: %w", err)
	}
	return data, nil
}

// Delete removes the file.
func (s *Table) Delete(ctx context.Context, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM image_blobs WHERE key = ?`, key); err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}
