package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"stepwise"
	"stepwise/db"
)

// migrate applies pending migrations and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := db.Open(cfg.database, db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx, stepwise.SQLiteMigrations())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s) to %s\n", n, cfg.database)
	return nil
}
