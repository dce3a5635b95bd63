package api

import (
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestCompletionChecksOnlyWithIfMatch pins that the completion endpoints
// read the caller's progress inside the write transaction only when
// there is an If-Match to compare it with.
func TestCompletionChecksOnlyWithIfMatch(t *testing.T) {
	t.Parallel()
	h := &Progress{}
	app := fiber.New()
	app.Put("/g/:slug/s/:n", func(c *fiber.Ctx) error {
		if h.completion(c).Check != nil {
			return c.SendString("check")
		}
		return c.SendString("none")
	})
	for _, tc := range []struct {
		ifMatch, want string
	}{
		{"", "none"},
		{`"abc"`, "check"},
		{"*", "check"},
	} {
		req := httptest.NewRequest(fiber.MethodPut, "/g/go/s/1", nil)
		if tc.ifMatch != "" {
			req.Header.Set(fiber.HeaderIfMatch, tc.ifMatch)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := string(body); got != tc.want {
			t.Errorf("If-Match %q: Check = %s, want %s", tc.ifMatch, got, tc.want)
		}
	}
}
