package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Migrate applies every pending migration in fsys (numbered .sql files, one
// transaction each) and returns how many it applied.
func (d *DB) Migrate(ctx context.Context, fsys fs.FS) (int, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, d.W.DB, fsys)
	if err != nil {
		return 0, fmt.Errorf("db: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("db: migrate: %w", err)
	}
	return len(res), nil
}
