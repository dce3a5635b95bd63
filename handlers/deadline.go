package handlers

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// DefaultRequestTimeout is how long a request may run when the server is
// not told otherwise (serve's -request-timeout).
const DefaultRequestTimeout = 10 * time.Second

// errBusy is what a client sees when its request ran out of time: the
// work was not done, nothing is half-written (the transaction rolled
// back), and trying again shortly is the right move.
var errBusy = fiber.NewError(fiber.StatusServiceUnavailable,
	"Stepwise is too busy to finish that right now; nothing was changed. Please try again in a moment.")

// requestDeadline gives every request a deadline that every database call
// honours (they all take the request's context), so a write that cannot get
// the writer connection in time fails with a log line and a 503 instead of
// waiting forever.
func requestDeadline(d time.Duration) fiber.Handler {
	if d <= 0 {
		d = DefaultRequestTimeout
	}
	retryAfter := strconv.Itoa(max(1, int(d.Seconds())))
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), d)
		defer cancel()
		c.SetUserContext(ctx)
		err := c.Next()
		// What runs after the handler (the error page, the access log)
		// renders with the request's values but without its deadline:
		// templ refuses to render under an expired context.
		c.SetUserContext(context.WithoutCancel(c.UserContext()))
		// A failure once the deadline has passed is the deadline's doing,
		// whatever the driver called it (SQLite says "interrupted").
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			Logger(ctx).Error("request deadline exceeded", "err", err, "timeout", d, "method", c.Method(), "path", c.Path())
			c.Set(fiber.HeaderRetryAfter, retryAfter)
			return errBusy
		}
		return err
	}
}
