// Command stepwise runs the Stepwise server and its maintenance tasks.
//
//	stepwise [serve]   start the web server (the default)
//	stepwise migrate   apply database migrations and exit
//	stepwise rotate-secret-key  re-seal two-factor secrets under the current key
//	stepwise seed-demo fill a fresh database with demo data
//
// Every flag has an environment-variable equivalent (STEPWISE_ADDR for
// -addr, and so on); a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stepwise:", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: stepwise [command] [flags]

Commands:
  serve     start the web server (default)
  migrate [up|down|status]
            apply pending migrations (up, the default), list them
            (status), or roll back the newest (down; server stopped)
  rotate-secret-key
            re-seal every two-factor secret under STEPWISE_SECRET_KEY after
            a key rotation (the previous keys in STEPWISE_SECRET_KEY_OLD)
  seed-demo fill a fresh database with deterministic demo data
            (users, guides, steps, progress) for trying out and benchmarks
  create-admin
            make an account an admin (creating it if needed); the password
            is prompted for, or read from standard input
  backup DIR
            copy the database (while the server runs) and its images
            into the new directory DIR
  restore DIR
            check the backup in DIR and put it in place of the database
            (the server must be stopped; the replaced file is kept)
  migrate-data -from sqlite:PATH -to postgres://…
            copy a whole SQLite installation, images included, into
            PostgreSQL (one verified transaction per table; resumable)
  version   print the version, the schema version and the Go version

Run "stepwise COMMAND -h" for a command's flags.
`)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "migrate":
		return migrate(ctx, args, stdout, stderr)
	case "rotate-secret-key":
		return rotateSecretKey(ctx, args, stdout, stderr)
	case "seed-demo":
		return seedDemo(ctx, args, stdout, stderr)
	case "create-admin":
		return createAdmin(ctx, args, os.Stdin, stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "migrate-data":
		return migrateData(ctx, args, stdout, stderr)
	case "restore":
		return restore(ctx, args, stdout, stderr)
	case "version":
		return printVersion(stdout)
	case "help":
		usage(stdout)
		return nil
	default:
		usage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// config is what every subcommand shares.
type config struct {
	database string
	logLevel string
	logJSON  bool
}

// register adds the shared flags to fs, defaulting from the environment.
func (c *config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.database, "database", env("STEPWISE_DATABASE", "data/stepwise.db"), "SQLite database file (env STEPWISE_DATABASE)")
	fs.StringVar(&c.logLevel, "log-level", env("STEPWISE_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env STEPWISE_LOG_LEVEL)")
	fs.BoolVar(&c.logJSON, "log-json", env("STEPWISE_LOG_JSON", "false") == "true", "log as JSON lines instead of text (env STEPWISE_LOG_JSON)")
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", c.logLevel, err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.logJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// envInt is env for a number; a value that is not one is reported by the
// flag's own check (it becomes -1, below every minimum).
func envInt(key string, def int) int {
	v, ok := os.LookupEnv(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}
