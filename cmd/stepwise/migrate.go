package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"stepwise"
	"stepwise/db"
)

// openDatabase opens the database at path and applies every pending
// migration, as every command does first; it returns how many it applied.
func openDatabase(ctx context.Context, path string) (*db.DB, int, error) {
	d, err := db.Open(path, db.Options{})
	if err != nil {
		return nil, 0, err
	}
	n, err := d.Migrate(ctx, stepwise.SQLiteMigrations())
	if err != nil {
		_ = d.Close()
		return nil, 0, err
	}
	return d, n, nil
}

// migrate applies pending migrations and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, n, err := openDatabase(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(stdout, "applied %d migration(s) to %s\n", n, cfg.database)
	return nil
}
