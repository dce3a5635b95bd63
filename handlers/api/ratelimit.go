package api

import (
	"context"
	"log/slog"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// rateCounter counts a token's requests.
type rateCounter interface {
	Hit(ctx context.Context, tokenID int64, l models.RateLimit) (models.RateState, error)
}

// DefaultRateLimit is each token's allowance unless configured otherwise.
var DefaultRateLimit = models.RateLimit{Requests: 600, Window: 60e9}

// rateLimit counts the request against its token and tells the caller
// where it stands in the RateLimit-* headers (the IETF httpapi draft);
// over the limit it answers 429 with Retry-After. The count lives in the
// database, so every instance behind a load balancer shares it. Counting
// is a write: when it fails (a full disk) a read is served uncounted,
// without the headers, and a change fails (bookkeepingFailed).
func rateLimit(counter rateCounter, l models.RateLimit, logger func(context.Context) *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st, err := counter.Hit(c.UserContext(), callerToken(c).ID, l)
		if err != nil {
			if err := bookkeepingFailed(c, logger, "counting the request against the rate limit", err); err != nil {
				return err
			}
			return c.Next()
		}
		reset := strconv.Itoa(int(math.Ceil(st.Reset.Seconds())))
		c.Set("RateLimit-Policy", strconv.Itoa(l.Requests)+";w="+strconv.Itoa(int(l.Window.Seconds())))
		c.Set("RateLimit-Limit", strconv.Itoa(st.Limit))
		c.Set("RateLimit-Remaining", strconv.Itoa(st.Remaining))
		c.Set("RateLimit-Reset", reset)
		if !st.Allowed {
			c.Set(fiber.HeaderRetryAfter, reset)
			p := problem(fiber.StatusTooManyRequests, "This token made too many requests. Wait "+reset+" seconds (see Retry-After), then continue.")
			p.Type = "/api/docs#rate-limit"
			return p
		}
		return c.Next()
	}
}
