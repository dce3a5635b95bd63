// Package handlers holds Stepwise's Fiber handlers and middleware, grouped
// by feature. New wires them into an app; routes.go lists every route.
package handlers

import (
	"log/slog"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"

	"stepwise/db"
	"stepwise/models"
)

// BodyLimit caps every request body; larger requests are refused before a
// handler runs.
const BodyLimit = 1 << 20

// Deps are the dependencies every handler may use; cmd builds them.
type Deps struct {
	DB       *db.DB
	Models   *models.Models
	Sessions *scs.SessionManager
	Assets   *Assets
	Logger   *slog.Logger
}

// New returns the Fiber app with every middleware and route installed.
func New(d Deps) *fiber.App {
	e := &errorPages{logger: d.Logger, assets: d.Assets}
	app := fiber.New(fiber.Config{
		AppName:               "stepwise",
		BodyLimit:             BodyLimit,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        8192,
		DisableStartupMessage: true,
		ErrorHandler:          e.handle,
	})
	registerRoutes(app, d, e)
	return app
}
