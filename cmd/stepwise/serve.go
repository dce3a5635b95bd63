package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"stepwise"
	"stepwise/db"
	"stepwise/handlers"
	"stepwise/handlers/api"
	"stepwise/handlers/root"
	"stepwise/handlers/webhook"
	"stepwise/models"
	"stepwise/models/imagestore"
)

// serve opens and migrates the database, loads the built-in guide, and
// serves until ctx is cancelled (SIGINT or SIGTERM), then drains requests.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.register(fs)
	addr := fs.String("addr", env("STEPWISE_ADDR", "127.0.0.1:8080"), "address to listen on (env STEPWISE_ADDR)")
	adminAddr := fs.String("admin-addr", env("STEPWISE_ADMIN_ADDR", defaultAdminAddr),
		"serve the Prometheus metrics (/metrics) and Go's profiler (/debug/pprof/) on this address, never the public one; \"off\" for none (env STEPWISE_ADMIN_ADDR)")
	secure := fs.Bool("secure-cookies", env("STEPWISE_SECURE_COOKIES", "false") == "true",
		"mark the session cookie Secure (and name it __Host-…) even on requests that arrive as plain HTTP; "+
			"HTTPS requests get that anyway (env STEPWISE_SECURE_COOKIES)")
	imagesDir := fs.String("images-dir", env("STEPWISE_IMAGES_DIR", ""),
		"directory for uploaded image files; default: images/ beside a SQLite database, and with PostgreSQL the database itself "+
			"(its image_blobs table), which every instance shares (env STEPWISE_IMAGES_DIR)")
	apiRate := fs.Int("api-rate-limit", envInt("STEPWISE_API_RATE_LIMIT", api.DefaultRateLimit.Requests),
		"requests a minute each API token may make (env STEPWISE_API_RATE_LIMIT)")
	var tf transportFlags
	tf.register(fs)
	var lf lifecycleFlags // lifecycle.go
	lf.register(fs)
	var mf mailFlags // mail.go
	mf.register(fs)
	var lim limitFlags // limits.go
	lim.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := lf.check(); err != nil {
		return err
	}
	if *apiRate < 1 {
		return fmt.Errorf("-api-rate-limit must be at least 1, not %d", *apiRate)
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	tr, err := tf.transport(*addr, cfg.database)
	if err != nil {
		return err
	}
	limits, err := lim.limits(fs, len(tr.proxies) > 0, log)
	if err != nil {
		return err
	}
	// PostgreSQL is how Stepwise runs as several instances: nothing an
	// instance needs may then live in another's memory or files.
	clustered := db.IsPostgresURL(cfg.database)
	start := time.Now()

	// Email: SMTP when configured, else the dev mailbox (mail.go).
	mailer, base, err := mf.mailer(*addr, clustered, log)
	if err != nil {
		return err
	}

	if !clustered {
		// One server per SQLite file: its single-writer guarantees hold
		// within a process only (db/lockfile.go). Taken before migrating,
		// held until serve returns.
		lock, err := db.LockDatabase(cfg.database)
		if err != nil {
			return err
		}
		defer func() { _ = lock.Release() }()
	}

	d, n, err := openDatabase(ctx, cfg.database)
	if err != nil {
		return err
	}
	// Closed last, after requests and workers stopped; bounded so a
	// shutdown never hangs on it.
	defer closeWithin("database", 5*time.Second, log, d.Close)
	// Two-factor and webhook secrets are sealed under the secret key
	// (secret_key.go).
	sealer, err := secretKeyFromEnv(cfg.database).sealer(true, log)
	if err != nil {
		return err
	}

	imageStore, err := openImageStore(*imagesDir, cfg.database, d)
	if err != nil {
		return err
	}

	// Set on SIGTERM: readiness answers 503 from then on, so a load
	// balancer stops sending new requests while these drain.
	var draining atomic.Bool
	built, err := root.New(root.Config{
		DB: d, Sealer: sealer, ImageStore: imageStore, Mailer: mailer, Logger: log, BaseURL: base,
		SecureCookies:  *secure,
		TrustedProxies: tr.proxies,
		APIRateLimit:   models.RateLimit{Requests: *apiRate, Window: time.Minute},
		Limits:         limits,
		RequestTimeout: lf.requestTimeout,
		Draining:       draining.Load,
	})
	if err != nil {
		return err
	}
	defer built.Close()
	app, m := built.Fiber, built.Models
	loaded, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides())
	if err != nil {
		return err
	}

	ln, scheme, err := tr.listen()
	if err != nil {
		return err
	}
	ln = handlers.LimitConns(ln, limits) // connections per client address
	stopRedirect, err := tr.serveRedirect(ln.Addr(), log)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer stopRedirect()
	if *adminAddr != "off" && *adminAddr != "" {
		stopAdmin, err := startAdmin(*adminAddr, built.Metrics.Handler(), log)
		switch {
		case err == nil:
			defer stopAdmin()
		case *adminAddr == defaultAdminAddr && !isSet(fs, "admin-addr") && os.Getenv("STEPWISE_ADMIN_ADDR") == "":
			// Nobody asked for it: a busy default port must not keep
			// "make run" from starting.
			log.Warn("no admin listener (metrics, profiler): the default address is taken; set -admin-addr", "err", err)
		default:
			_ = ln.Close()
			return err
		}
	}
	// Logged once every listener is up: whoever waits for this line (a
	// test, an operator's script) finds the admin listener there too.
	log.Info("stepwise started",
		"addr", scheme+"://"+ln.Addr().String(), "database", cfg.database,
		"migrations_applied", n, "guides_loaded", loaded, "startup", time.Since(start).Round(time.Millisecond))

	// Webhook deliveries are sent by a worker beside the server, never in
	// a request; it stops with ctx and is waited for before the database
	// closes.
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		(&webhook.Worker{Queue: m.Webhooks, Settings: m.Settings, Logger: log, OnAttempt: built.Metrics.Attempt}).Run(ctx)
	}()
	defer func() { <-hooksDone }()

	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Readiness turns 503 and every answer closes its connection; for
	// the drain delay the server keeps serving, so a balancer's kept-alive
	// connections are closed after a request rather than under one (a
	// POST sent on a connection the server just closed is not retried).
	draining.Store(true)
	log.Info("shutting down: draining requests", "drain_delay", lf.drainDelay, "grace", lf.shutdownGrace)
	time.Sleep(lf.drainDelay)
	if err := app.ShutdownWithTimeout(lf.shutdownGrace - lf.drainDelay); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openImageStore is where uploaded images are kept: the directory dir when
// one is given (a shared mount, with PostgreSQL), else images/ beside a
// SQLite database, else PostgreSQL's image_blobs table, which every
// instance sees with nothing to mount and which pg_dump backs up.
func openImageStore(dir, database string, d *db.DB) (imagestore.Store, error) {
	switch {
	case dir != "":
		return imagestore.NewDir(dir)
	case d.Dialect() == db.Postgres:
		return imagestore.NewTable(d), nil
	default:
		return imagestore.NewDir(filepath.Join(filepath.Dir(database), "images"))
	}
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
