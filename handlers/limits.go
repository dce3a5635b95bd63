package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Limits bound what clients may hold of the server at once: connections,
// the time a request may take to arrive, and uploads in flight. A zero
// field takes DefaultLimits' value.
type Limits struct {
	// MaxConns is how many connections are served at once; one more is
	// answered 503 and closed.
	MaxConns int
	// MaxConnsPerIP is how many connections one peer address may hold
	// (LimitConns, which the listener must be wrapped in); one more is
	// answered 429 and closed. Negative means no limit. The peer is the
	// direct one: behind a reverse proxy every connection is the proxy's.
	MaxConnsPerIP int
	// ReadTimeout is the time a request has to arrive, headers and body;
	// a slower one is answered 408 and its connection closed.
	ReadTimeout time.Duration
	// UploadTimeout replaces ReadTimeout for an upload's body once the
	// upload has its slot.
	UploadTimeout time.Duration
	// MaxUploads is how many upload and import bodies are read and
	// handled at once; MaxUploadsPerIP how many of them one client
	// address (as c.IP() reports it) may have. One more is refused with
	// 503 or 429 and Retry-After.
	MaxUploads, MaxUploadsPerIP int
}

// DefaultLimits are the limits a zero Limits field stands for.
func DefaultLimits() Limits {
	return Limits{
		MaxConns:        1024,
		MaxConnsPerIP:   64,
		ReadTimeout:     15 * time.Second,
		UploadTimeout:   2 * time.Minute,
		MaxUploads:      8,
		MaxUploadsPerIP: 2,
	}
}

// withDefaults fills l's zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	set(&l.MaxConns, d.MaxConns)
	set(&l.MaxConnsPerIP, d.MaxConnsPerIP)
	set(&l.MaxUploads, d.MaxUploads)
	set(&l.MaxUploadsPerIP, d.MaxUploadsPerIP)
	if l.ReadTimeout == 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.UploadTimeout == 0 {
		l.UploadTimeout = d.UploadTimeout
	}
	return l
}

// serverErrors is Fiber's error handler. The handlers' errors are rendered
// by requestLog already; what reaches this one without a request id was
// met by fasthttp before any middleware ran (a request that timed out
// before its first body bytes, malformed headers). It gets what every
// response gets: a request id, the security headers, the error page or
// problem detail, and an access-log line.
func serverErrors(base *slog.Logger, e *errorPages) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		if RequestID(c) != "" {
			return e.handle(c, err)
		}
		start := time.Now()
		log := startRequest(c, base)
		setSecurityHeaders(c)
		herr := e.handle(c, err)
		logAccess(c, log, start)
		return herr
	}
}
