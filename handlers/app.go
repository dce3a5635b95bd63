// Package handlers holds Stepwise's Fiber handlers and middleware, grouped
// by feature. New wires them into an app; routes.go lists every route.
package handlers

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/db"
	"stepwise/models"
)

// BodyLimit caps every request body; larger requests are refused before a
// handler runs. The image upload and guide import routes alone accept more
// (ImageBodyLimit, ImportBodyLimit): the server reads at most
// ImportBodyLimit and limitBodies refuses the rest above BodyLimit.
const BodyLimit = 1 << 20

// Deps are the dependencies every handler may use; cmd builds them.
type Deps struct {
	DB       *db.DB
	Models   *models.Models
	Sessions *scs.SessionManager
	Assets   *Assets
	Logger   *slog.Logger

	// Mailer sends the account emails (verification, password reset,
	// email change). Nil means a development mailbox (mail.Mailbox).
	Mailer Mailer
	// BaseURL is the site's public address, such as
	// "https://learn.example.com", used for links in emails.
	BaseURL string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (proxy.go); empty trusts none.
	TrustedProxies []netip.Prefix

	// ImageStore keeps uploaded images; nil keeps them in memory (tests).
	ImageStore models.ImageStore

	// APIRateLimit is each API token's allowance; zero means
	// api.DefaultRateLimit.
	APIRateLimit models.RateLimit
}

// New returns the Fiber app with every middleware and route installed.
func New(d Deps) *fiber.App {
	e := &errorPages{logger: d.Logger, assets: d.Assets}
	app := fiber.New(fiber.Config{
		AppName:               "stepwise",
		BodyLimit:             ImportBodyLimit, // limitBodies applies BodyLimit to every other route
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        8192,
		DisableStartupMessage: true,
		ErrorHandler:          e.handle,
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
	registerRoutes(app, d, e)
	return app
}
