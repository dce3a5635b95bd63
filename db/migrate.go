package db

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate applies every pending migration in fsys (numbered .sql files, one
// transaction each) and returns how many it applied.
func (d *DB) Migrate(ctx context.Context, fsys fs.FS) (int, error) {
	p, err := d.migrations(fsys)
	if err != nil {
		return 0, fmt.Errorf("db: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("db: migrate: %w", err)
	}
	return len(res), nil
}

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version   int64
	Name      string // the file name
	Applied   bool
	AppliedAt time.Time // zero when pending
}

// MigrationStatus lists every migration in fsys, oldest first, with its
// state in this database. It changes nothing.
func (d *DB) MigrationStatus(ctx context.Context, fsys fs.FS) ([]MigrationState, error) {
	p, err := d.migrations(fsys)
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(list))
	for _, s := range list {
		out = append(out, MigrationState{
			Version: s.Source.Version, Name: filepath.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// MigrateDown rolls back the newest applied migration (its Down section,
// in one transaction) and returns it.
func (d *DB) MigrateDown(ctx context.Context, fsys fs.FS) (MigrationState, error) {
	p, err := d.migrations(fsys)
	if err != nil {
		return MigrationState{}, fmt.Errorf("db: migrations: %w", err)
	}
	res, err := p.Down(ctx)
	if err != nil {
		return MigrationState{}, fmt.Errorf("db: migrate down: %w", err)
	}
	return MigrationState{Version: res.Source.Version, Name: filepath.Base(res.Source.Path)}, nil
}

// migrations is the migration tool over fsys for the database's kind. On
// PostgreSQL it holds an advisory lock while it works, so instances that
// start together apply each migration once: the others wait, then find
// nothing pending. On SQLite the single writer serializes them already.
func (d *DB) migrations(fsys fs.FS) (*goose.Provider, error) {
	if d.Dialect() != Postgres {
		return goose.NewProvider(goose.DialectSQLite3, d.W.DB, fsys)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, d.W.DB, fsys, goose.WithSessionLocker(locker))
}
