package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// prober is what readiness needs from the database.
type prober interface {
	// Ping runs a read.
	Ping(ctx context.Context) error
	// CheckWrite proves a write could run now (the writer connection and
	// the write lock within ctx, no recent storage-full failures).
	CheckWrite(ctx context.Context) error
}

// defaultReadyTimeout bounds each readiness probe of the database.
const defaultReadyTimeout = 2 * time.Second

// Health answers liveness and readiness probes.
type Health struct {
	DB prober
	// Draining reports a shutdown in progress; nil never.
	Draining func() bool
	// Timeout bounds each probe; zero means defaultReadyTimeout.
	Timeout time.Duration
}

// Live answers 200 while the process serves requests.
func (h *Health) Live(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	return c.SendString("ok")
}

// Ready answers 200 when the instance can serve reads and writes, and 503
// while it shuts down or when the database cannot be read or written in
// time: a server whose writes are stuck or failing is not ready, even if
// it still answers reads.
func (h *Health) Ready(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	if h.Draining != nil && h.Draining() {
		return c.Status(fiber.StatusServiceUnavailable).SendString("shutting down")
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = defaultReadyTimeout
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		Logger(c.UserContext()).Warn("readiness check failed: read", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	if err := h.DB.CheckWrite(ctx); err != nil {
		Logger(c.UserContext()).Warn("readiness check failed: write", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database cannot write")
	}
	return c.SendString("ready")
}

// closeWhenDraining makes every answer close its connection once the
// server is shutting down, so a load balancer stops reusing kept-alive
// connections to it before they are closed.
func closeWhenDraining(draining func() bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if draining != nil && draining() {
			c.Context().SetConnectionClose()
		}
		return c.Next()
	}
}
