package api

import (
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
)

// Archives serves a guide as a zip of Markdown files and images
// (GET /api/v1/guides/{slug}/export) and makes a new draft from one
// (POST /api/v1/guides/import), through the authoring operations the
// pages use, so an archive is the same whichever way it travels.
type Archives struct {
	Ops *authoring.Service
}

// Export answers GET /api/v1/guides/{slug}/export with the zip the
// browser's export gives, for the guide's editors.
func (h *Archives) Export(c *fiber.Ctx) error {
	x, err := h.Ops.ExportGuide(c.UserContext(), caller(c), c.Params("slug"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+x.Slug+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(x.Zip)
}

// Import answers POST /api/v1/guides/import: the body is a guide archive
// (Content-Type application/zip), ?slug= an address to use instead of
// the archive's. The new guide is a draft owned by the caller. Every
// problem with the archive is a 422 naming it, with the checks the page
// makes (size, file count, paths, Markdown, images); a taken address is
// a 409 naming a free one.
func (h *Archives) Import(c *fiber.Ctx) error {
	if !models.CanCreateGuide(caller(c)) {
		return errForbidden
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "application/zip" {
		return problem(fiber.StatusUnsupportedMediaType, "Send the guide archive itself as the body, with Content-Type: application/zip.")
	}
	slug := strings.Clone(strings.TrimSpace(c.Query("slug")))
	if slug != "" && (len(slug) > models.SlugMaxLen || models.Slugify(slug) != slug) {
		return queryProblem("slug", "Use lower-case letters, digits and single hyphens only, at most 80.")
	}
	body, err := rawBody(c)
	if err != nil {
		return err
	}
	u := caller(c)
	res, err := h.Ops.ImportGuide(c.UserContext(), u, body, slug)
	if err != nil {
		return refused(err, nil)
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+res.Guide.Slug)
	return send(c, fiber.StatusCreated, guideOf(res.Guide, u))
}

// rawBody is the request body as sent. Fiber's c.Body would inflate a
// compressed body first, and a 20 MB zip of zeros inflates to gigabytes
// before any size check could run; uploads are compressed formats
// already, so a Content-Encoding is refused instead.
//
// The upload routes' body arrives as a stream of known length, the
// temporary file the body limit read it into (handlers/body_limit.go); it
// is read into a slice of its own, so no buffer of fasthttp's grows to an
// upload's size and stays pooled after it.
func rawBody(c *fiber.Ctx) ([]byte, error) {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, problem(fiber.StatusUnsupportedMediaType, "Send the body without a Content-Encoding; archives and images are compressed already.")
	}
	req := c.Request()
	stream, n := req.BodyStream(), req.Header.ContentLength()
	if stream == nil || n < 0 {
		return req.Body(), nil
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(stream, data); err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	return data, nil
}
