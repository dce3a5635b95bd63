package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"stepwise/models/demo"
)

// seedDemo migrates the database and fills it with deterministic demo
// data (users, guides, steps, progress) for trying Stepwise out and for
// benchmarks. It refuses a database that already has users.
func seedDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed-demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// Only -database of the shared flags: seed-demo does not log.
	database := fs.String("database", env("STEPWISE_DATABASE", "data/stepwise.db"), "SQLite database file (env STEPWISE_DATABASE)")
	var opts demo.Options
	fs.IntVar(&opts.Users, "users", 1000, "number of users (user1@example.com …)")
	fs.IntVar(&opts.Guides, "guides", 50, "number of published guides (demo-guide-1 …)")
	fs.IntVar(&opts.Steps, "steps", 12, "steps per guide")
	fs.Float64Var(&opts.Progress, "progress", 0.3, "share of all steps each user has completed, 0 to 1")
	fs.StringVar(&opts.Password, "password", "demo-password", "password of every demo user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("seed-demo: unexpected arguments %q", fs.Args())
	}

	d, _, err := openDatabase(ctx, *database)
	if err != nil {
		return err
	}
	defer d.Close()
	stats, err := demo.Seed(ctx, d, opts, stderr)
	if err != nil {
		return fmt.Errorf("seed-demo %s: %w", *database, err)
	}
	fmt.Fprintf(stdout, "seeded %s: %d users, %d guides, %d steps, %d progress rows in %s\n",
		*database, stats.Users, stats.Guides, stats.Steps, stats.Progress, stats.Elapsed.Round(time.Millisecond))
	return nil
}
