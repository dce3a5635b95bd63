// Package roottest gives test harnesses the application's
// configuration as the composition root expects it, over a fresh database
// that already holds the built-in guide: every harness (pages, API,
// transport) builds its app with root.New from this, as serve does.
package roottest

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"stepwise"
	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/handlers/mail"
	"stepwise/handlers/root"
	"stepwise/models"
	"stepwise/models/imagestore"
	"stepwise/models/passhash"
	"stepwise/models/secretbox"
)

// BaseURL is the site address in the test apps' emails.
const BaseURL = "http://stepwise.test"

// Config returns a complete configuration for t: a copy of a database
// with the built-in guide loaded (seeded once per test binary), a fixed
// secret key, uploads in t's temporary directory, a development mailbox,
// and a debug logger writing to logs. Passwords are hashed cheaply from
// now on; the passhash package tests the real cost.
func Config(t testing.TB, logs io.Writer) root.Config {
	t.Helper()
	passhash.UseCheapHashingInTests()
	d := dbtest.NewSeeded(t, "builtin-guides", loadBuiltinGuides)
	sealer, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	images, err := imagestore.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return root.Config{
		DB: d, Sealer: sealer, ImageStore: images, Logger: logger, BaseURL: BaseURL,
		Mailer: mail.NewMailbox(logger),
	}
}

// New builds the app from cfg, failing t if it cannot, and stops its
// session store's clean-up when t ends.
func New(t testing.TB, cfg root.Config) *root.App {
	t.Helper()
	app, err := root.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	return app
}

func loadBuiltinGuides(ctx context.Context, d *db.DB) error {
	_, err := models.New(d).Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides())
	return err
}
