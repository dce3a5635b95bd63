package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/api"
)

type loggerKey struct{}
type requestIDKey struct{}

// Logger returns the request's logger, which carries its request id.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestID returns the request's id.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.UserContext().Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestLog gives each request an id (in the X-Request-Id header and on
// every log line of the request), renders a handler's error through e, and
// writes one access-log line with the status and duration.
func requestLog(base *slog.Logger, e *errorPages) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		log := startRequest(c, base)
		if err := c.Next(); err != nil {
			// Render here rather than in Fiber's final handler so the
			// access line below sees the status the user got.
			if herr := e.handle(c, err); herr != nil {
				log.Error("error handler failed", "err", herr)
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		logAccess(c, log, start)
		return nil
	}
}

// startRequest gives the request its id, in the X-Request-Id header and
// on the logger it returns, which Logger(c.UserContext()) returns too.
func startRequest(c *fiber.Ctx, base *slog.Logger) *slog.Logger {
	id := newRequestID()
	c.Set("X-Request-Id", id)
	log := base.With("request_id", id)
	ctx := context.WithValue(c.UserContext(), requestIDKey{}, id)
	c.SetUserContext(context.WithValue(ctx, loggerKey{}, log))
	return log
}

// logAccess writes the request's access-log line.
func logAccess(c *fiber.Ctx, log *slog.Logger, start time.Time) {
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("ip", c.IP()),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int("bytes", len(c.Response().Body())),
	}
	if id, ok := api.TokenID(c); ok { // the token's id, never its text
		attrs = append(attrs, slog.Int64("token_id", id))
	}
	log.LogAttrs(c.UserContext(), level, "request", attrs...)
}
