package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

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
	n, err := d.Migrate(ctx, stepwise.Migrations(string(d.Dialect())))
	if err != nil {
		_ = d.Close()
		return nil, 0, err
	}
	return d, n, nil
}

// migrate runs "stepwise migrate [up|down|status]": up (the default)
// applies pending migrations, status lists them, down rolls back the
// newest applied one. Down takes the database's lock, so it is refused
// while a server runs; up needs no lock (goose applies each migration in
// a transaction, and serve does the same at start).
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action := "up"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: stepwise migrate [up|down|status] [flags]\n\nup (the default) applies pending migrations; status lists every migration; down rolls back the newest applied one (the server must be stopped).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 1 && action == "up" {
		action = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected arguments %q", fs.Args())
	}
	switch action {
	case "up":
		d, n, err := openDatabase(ctx, cfg.database)
		if err != nil {
			return err
		}
		defer d.Close()
		fmt.Fprintf(stdout, "applied %d migration(s) to %s\n", n, cfg.database)
		return nil
	case "status":
		d, err := db.Open(cfg.database, db.Options{})
		if err != nil {
			return err
		}
		defer d.Close()
		list, err := d.MigrationStatus(ctx, stepwise.Migrations(string(d.Dialect())))
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%5d  %-40s %s\n", m.Version, m.Name, state)
		}
		return nil
	case "down":
		// A SQLite file is locked against a running server; PostgreSQL's
		// migrations hold an advisory lock of their own (db.Migrate).
		if !db.IsPostgresURL(cfg.database) {
			lock, err := db.LockDatabase(cfg.database)
			if err != nil {
				return fmt.Errorf("migrate down: %w; stop the server first", err)
			}
			defer lock.Release() //nolint:errcheck // the process ends next
		}
		d, err := db.Open(cfg.database, db.Options{})
		if err != nil {
			return err
		}
		defer d.Close()
		m, err := d.MigrateDown(ctx, stepwise.Migrations(string(d.Dialect())))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rolled back migration %d (%s) in %s; a server started now migrates it up again\n", m.Version, m.Name, cfg.database)
		return nil
	}
	fs.Usage()
	return fmt.Errorf("migrate: unknown action %q (up, down or status)", action)
}
