package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// etag is a strong validator for a representation: a hash of its bytes,
// so any change a caller could see changes it.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// send writes v as JSON with status and its ETag, or 304 when the
// caller's If-None-Match already names this representation.
func send(c *fiber.Ctx, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tag := etag(body)
	c.Set(fiber.HeaderETag, tag)
	if status == fiber.StatusOK && c.Method() == fiber.MethodGet && matches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(status).Send(body)
}

// requireMatch guards a change to the resource whose current
// representation is current: the caller must send If-Match with the ETag
// it last saw (428 without, 412 when the resource changed since), so two
// integrators never silently overwrite each other.
func requireMatch(c *fiber.Ctx, current any) error {
	h := c.Get(fiber.HeaderIfMatch)
	if h == "" {
		p := problem(fiber.StatusPreconditionRequired, "Send If-Match with the ETag from your last GET of this resource, so a change made since is not overwritten.")
		p.Type = "/api/docs#conditional-requests"
		return p
	}
	return checkMatch(c, h, current)
}

// honourMatch applies If-Match when the caller sent one; for idempotent
// switches (publish, complete) where there is nothing to overwrite.
func honourMatch(c *fiber.Ctx, current any) error {
	if h := c.Get(fiber.HeaderIfMatch); h != "" {
		return checkMatch(c, h, current)
	}
	return nil
}

func checkMatch(c *fiber.Ctx, header string, current any) error {
	body, err := json.Marshal(current)
	if err != nil {
		return err
	}
	if header == "*" || matchesStrong(header, etag(body)) {
		return nil
	}
	p := problem(fiber.StatusPreconditionFailed, "The resource changed since the ETag you sent. GET it again, re-apply your change, and retry with the new ETag.")
	p.Type = "/api/docs#conditional-requests"
	return p
}

// matchesStrong is matches for If-Match, which RFC 9110 compares
// strongly: a weak tag (W/"…") never matches.
func matchesStrong(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		if strings.TrimSpace(t) == tag {
			return true
		}
	}
	return false
}

// matches reports whether an If-Match / If-None-Match header value names
// tag. Weak comparison is used for If-None-Match as RFC 9110 says; our tags
// are all strong, so a W/ prefix is simply ignored.
func matches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
