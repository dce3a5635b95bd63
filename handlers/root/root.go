// Package root is Stepwise's composition root: New builds the whole
// application (the stores and operations over the database, the session
// manager, the static files, the Fiber app and its routes) from one
// Config. The serve command and every test harness call it, so the app
// the tests drive is the one that runs. It is the one package beside the
// handlers that sees the database; the handlers see only the stores and
// operations it hands them.
package root

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise"
	"stepwise/db"
	"stepwise/handlers"
	"stepwise/handlers/metrics"
	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/models/admin"
	"stepwise/models/authoring"
	"stepwise/models/imagestore"
	"stepwise/models/learning"
	"stepwise/models/secretbox"
)

// Config is everything the application is built from. The first six are
// required: New refuses to start without them rather than fall back to
// something that would lose data (uploads kept in memory) or secrets.
type Config struct {
	// DB is the opened, migrated database.
	DB *db.DB
	// Sealer seals two-factor and webhook secrets and derives the keys
	// of visitors' CSRF tokens and of device cookies.
	Sealer *secretbox.Sealer
	// ImageStore keeps uploaded images: a directory beside the database
	// in production, a temporary one in tests.
	ImageStore imagestore.Store
	// Mailer sends account emails: SMTP, or the development mailbox.
	Mailer handlers.Mailer
	// Logger receives every log line.
	Logger *slog.Logger
	// BaseURL is the site's public address, for links in emails.
	BaseURL string

	// Clock is the time, in UTC; nil is the system clock.
	Clock func() time.Time
	// SecureCookies marks the session cookie Secure even on plain HTTP.
	SecureCookies bool
	// TrustedProxies, APIRateLimit, Limits, RequestTimeout and Draining
	// are passed to the handlers as they are (see handlers.Deps).
	TrustedProxies []netip.Prefix
	APIRateLimit   models.RateLimit
	Limits         handlers.Limits
	RequestTimeout time.Duration
	Draining       func() bool
	// CSRFKey replaces the key derived from Sealer for visitors' CSRF
	// tokens (tests of a key change); nil derives it.
	CSRFKey []byte
}

// App is the built application.
type App struct {
	// Fiber serves every route.
	Fiber *fiber.App
	// Models are the stores, for what a caller does beside serving
	// (loading the built-in guide, the webhook worker, test fixtures).
	Models *models.Models
	// Metrics are the app's Prometheus collectors, for the admin
	// listener and the webhook worker.
	Metrics *metrics.Metrics

	store *db.SessionStore
}

// New builds the application from cfg, or says which part of the
// configuration is missing.
func New(cfg Config) (*App, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = func() time.Time { return time.Now().UTC() }
	}
	assets, err := embeddedAssets()
	if err != nil {
		return nil, err
	}
	m := models.NewWithClock(cfg.DB, clock)
	m.TwoFactor.Sealer = cfg.Sealer
	m.Webhooks.Sealer = cfg.Sealer
	images := models.NewImages(cfg.DB, cfg.ImageStore)
	mx := metrics.New(m.Webhooks.Pending, cfg.DB.TxRetries,
		metrics.Pool{Name: "writer", DB: cfg.DB.W.DB}, metrics.Pool{Name: "readers", DB: cfg.DB.R.DB})
	m.Audit.OnRecord(mx.Event)
	ops := handlers.Ops{
		Accounts:  accounts.New(cfg.DB, m),
		Learning:  learning.New(cfg.DB, m),
		Authoring: authoring.New(cfg.DB, m).WithImages(images),
		Admin:     admin.New(cfg.DB, m),
	}
	store := cfg.DB.SessionStore()
	sessions := handlers.NewSessions(store, cfg.SecureCookies)
	csrfKey := cfg.CSRFKey
	if csrfKey == nil {
		csrfKey = cfg.Sealer.DeriveKey("csrf")
	}
	app := handlers.New(handlers.Deps{
		Models: m, Health: cfg.DB, Ops: ops, Images: images,
		Sessions: sessions, Assets: assets, Logger: cfg.Logger,
		CSRFKey:   csrfKey,
		DeviceKey: cfg.Sealer.DeriveKey("device-cookie"),
		Mailer:    cfg.Mailer, BaseURL: cfg.BaseURL,
		TrustedProxies: cfg.TrustedProxies, APIRateLimit: cfg.APIRateLimit,
		Limits: cfg.Limits, RequestTimeout: cfg.RequestTimeout, Draining: cfg.Draining,
		Metrics: mx,
	})
	return &App{Fiber: app, Models: m, Metrics: mx, store: store}, nil
}

// Close stops the session store's clean-up. The database is the caller's
// to close, after the app has shut down.
func (a *App) Close() { a.store.Close() }

func (cfg Config) check() error {
	var missing []error
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, errors.New(what))
		}
	}
	need(cfg.DB != nil, "no database")
	need(cfg.Sealer != nil, "no secret key to seal secrets with")
	need(cfg.ImageStore != nil, "no image store for uploads")
	need(cfg.Mailer != nil, "no mailer")
	need(cfg.Logger != nil, "no logger")
	need(cfg.BaseURL != "", "no base URL for links in emails")
	if len(missing) > 0 {
		return fmt.Errorf("stepwise is not configured: %w", errors.Join(missing...))
	}
	return nil
}

// embeddedAssets are the static files, hashed and compressed once per
// process: they are the same for every app built from this binary.
var embeddedAssets = sync.OnceValues(func() (*handlers.Assets, error) {
	return handlers.NewAssets(stepwise.Static())
})
