package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/mattn/go-sqlite3"

	"stepwise/models"
)

// failingCounter cannot store a count, as on a full disk.
type failingCounter struct{ err error }

func (f failingCounter) Hit(context.Context, int64, models.RateLimit) (models.RateState, error) {
	return models.RateState{}, f.err
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRateLimitOnAFullDiskServesReadsOnly(t *testing.T) {
	t.Parallel()
	logs := &syncLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return HandleError(c, err, log, "req-1")
	}})
	full := fmt.Errorf("count api request: %w", sqlite3.Error{Code: sqlite3.ErrFull})
	app.Use(rateLimit(failingCounter{full}, models.RateLimit{Requests: 5, Window: time.Minute},
		func(context.Context) *slog.Logger { return log }))
	app.All("/api/v1/thing", func(c *fiber.Ctx) error { return c.SendString("served") })

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		res, err := app.Test(httptest.NewRequest(method, "/api/v1/thing", nil))
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200", method, res.StatusCode)
		}
	}
	if got := logs.String(); strings.Count(got, "level=WARN") != 2 || !strings.Contains(got, "storage_full=true") {
		t.Errorf("want a warning per read, saying the storage is full:\n%s", got)
	}

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		res, err := app.Test(httptest.NewRequest(method, "/api/v1/thing", strings.NewReader("{}")))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		var p Problem
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("%s: %v in %s", method, err, body)
		}
		if res.StatusCode != http.StatusServiceUnavailable || p.Title != "Storage full" || p.RequestID != "req-1" ||
			res.Header.Get("Content-Type") != "application/problem+json" || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %+v (Retry-After %q); want a 503 Storage full problem", method, res.StatusCode, p, res.Header.Get("Retry-After"))
		}
	}
}
