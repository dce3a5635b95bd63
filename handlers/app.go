// Package handlers holds Stepwise's Fiber handlers and middleware, grouped
// by feature. New wires them into an app; routes.go lists every route.
package handlers

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/metrics"
	"stepwise/models"
	"stepwise/models/accounts"
	"stepwise/models/admin"
	"stepwise/models/authoring"
	"stepwise/models/learning"
)

// BodyLimit caps every request body; larger requests are refused before a
// handler runs. The image upload and guide import routes alone accept more
// (ImageBodyLimit, ImportBodyLimit), which they read to a temporary file
// (body_limit.go): no request body larger than BodyLimit is ever held in
// the server's memory by the server itself.
const BodyLimit = 1 << 20

// Deps are the dependencies every handler may use. The composition root
// (handlers/root) builds them; handlers never see the database itself,
// only the stores and the operations over it.
type Deps struct {
	Models *models.Models
	// Health is what readiness asks of the database.
	Health prober
	// Ops are the operations the pages and the API share (models/...).
	Ops      Ops
	Sessions *scs.SessionManager
	Assets   *Assets
	Logger   *slog.Logger

	// CSRFKey signs the CSRF tokens of visitors' forms (csrf.go): at
	// least 32 bytes, the same on every instance, so derived from the
	// secret key. New panics without it.
	CSRFKey []byte
	// DeviceKey signs the device cookies of browsers that signed in
	// (device_cookie.go): the same on every instance, so derived from the
	// secret key. Nil makes a random one, recognised by this process only.
	DeviceKey []byte

	// Mailer sends the account emails (verification, password reset,
	// email change): SMTP, or the development mailbox (mail.Mailbox).
	Mailer Mailer
	// BaseURL is the site's public address, such as
	// "https://learn.example.com", used for links in emails.
	BaseURL string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (proxy.go); empty trusts none.
	TrustedProxies []netip.Prefix

	// Images are the guides' uploaded images (rows and files), one
	// library for the pages and the API alike.
	Images *models.Images

	// APIRateLimit is each API token's allowance; zero means
	// api.DefaultRateLimit.
	APIRateLimit models.RateLimit

	// Limits bound connections, the time a request may take to arrive
	// and the uploads in flight; zero fields take DefaultLimits' values.
	Limits Limits

	// RequestTimeout bounds every request's database work; zero means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Draining reports that the server is shutting down, so readiness
	// turns 503 and a load balancer stops sending requests; nil never.
	Draining func() bool

	// Metrics counts and times every request; nil counts nothing.
	Metrics *metrics.Metrics
}

// Ops are the operations shared by the pages and the API, one package
// per domain under models.
type Ops struct {
	Accounts  *accounts.Service
	Learning  *learning.Service
	Authoring *authoring.Service
	Admin     *admin.Service
}

// New returns the Fiber app with every middleware and route installed.
// Every field the composition root must set is checked: a missing one is
// a programming error, so New panics rather than serve without it.
func New(d Deps) *fiber.App {
	switch {
	case d.Models == nil, d.Health == nil, d.Images == nil, d.Sessions == nil, d.Assets == nil, d.Logger == nil, d.Mailer == nil:
		panic("handlers.New: Models, Health, Images, Sessions, Assets, Logger and Mailer are required")
	case d.Ops.Accounts == nil, d.Ops.Learning == nil, d.Ops.Authoring == nil, d.Ops.Admin == nil:
		panic("handlers.New: every operation service (Ops) is required")
	}
	e := &errorPages{logger: d.Logger, assets: d.Assets}
	lim := d.Limits.withDefaults()
	d.Limits = lim
	app := fiber.New(fiber.Config{
		AppName: "stepwise",
		// Bodies are streamed: fasthttp reads at most a few KiB before
		// the middleware runs, and never allocates a buffer for a length
		// a client merely announced. limitBodies then reads each body,
		// bounded by its route's limit (body_limit.go).
		StreamRequestBody: true,
		BodyLimit:         BodyLimit,
		Concurrency:       lim.MaxConns,
		// The time to read a request's headers and body; an upload's
		// body gets Limits.UploadTimeout once it has its slot.
		ReadTimeout:           lim.ReadTimeout,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        8192,
		DisableStartupMessage: true,
		// Errors the handlers return are rendered by requestLog; this
		// one sees the rest, which fasthttp meets before any handler
		// runs (a timed-out or malformed request).
		ErrorHandler: serverErrors(d.Logger, e),
		// Multipart bodies are parsed when a handler asks for them, so a
		// malformed one fails inside the route (a page, or a problem
		// detail under /api) rather than before routing, where fasthttp
		// has already dropped the request's path.
		DisablePreParseMultipartForm: true,

		// X-Forwarded-* count only from a trusted proxy; an empty list
		// trusts no one. Without the check Fiber would believe anyone's
		// X-Forwarded-Proto and -Host in c.Protocol() and c.Hostname().
		// c.IP() reads X-Forwarded-For as forwardedFor rewrites it.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          fiberProxies(d.TrustedProxies),
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableIPValidation:      true,
	})
	srv := app.Server()
	// A body announced larger than its route takes is refused as soon as
	// the headers are in, before fasthttp reads any of it.
	srv.HeaderReceived = refuseAnnouncedBodies
	registerRoutes(app, d, newPageHandlers(d), e)
	return app
}
