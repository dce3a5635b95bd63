package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// pinger is what readiness needs from the database.
type pinger interface {
	Ping(ctx context.Context) error
}

// Health answers liveness and readiness probes.
type Health struct {
	DB pinger
}

// Live answers 200 while the process serves requests.
func (h *Health) Live(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	return c.SendString("ok")
}

// Ready answers 200 when the database answers, 503 otherwise.
func (h *Health) Ready(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.DB.Ping(ctx); err != nil {
		Logger(c.UserContext()).Warn("readiness check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ready")
}
