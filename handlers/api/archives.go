package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// archiveStore is what export and import need: the pages' own model
// calls, so an archive is the same whichever way it travels.
type archiveStore interface {
	ExportGuide(ctx context.Context, guideID int64) (models.GuideArchive, error)
	ImportGuide(ctx context.Context, a models.GuideArchive, ownerID int64, slug string) (models.Guide, error)
	SuggestSlug(ctx context.Context, slug string) (string, error)
}

// Archives serves a guide as a zip of Markdown files and images
// (GET /api/v1/guides/{slug}/export) and makes a new draft from one
// (POST /api/v1/guides/import).
type Archives struct {
	Guides   *Guides
	Archives archiveStore
}

// Export answers GET /api/v1/guides/{slug}/export with the zip the
// browser's export gives, for the guide's editors.
func (h *Archives) Export(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	a, err := h.Archives.ExportGuide(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.WriteZip(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+r.Slug+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// Import answers POST /api/v1/guides/import: the body is a guide archive
// (Content-Type application/zip), ?slug= an address to use instead of
// the archive's. The new guide is a draft owned by the caller. Every
// problem with the archive is a 422 naming it, with the checks the page
// makes (size, file count, paths, Markdown, images).
func (h *Archives) Import(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != "application/zip" {
		return problem(fiber.StatusUnsupportedMediaType, "Send the guide archive itself as the body, with Content-Type: application/zip.")
	}
	slug := strings.TrimSpace(c.Query("slug"))
	if slug != "" && (len(slug) > models.SlugMaxLen || models.Slugify(slug) != slug) {
		return queryProblem("slug", "Use lower-case letters, digits and single hyphens only, at most 80.")
	}
	slug = strings.Clone(slug)
	body, err := rawBody(c)
	if err != nil {
		return err
	}
	a, err := models.ReadGuideZip(body)
	var g models.Guide
	if err == nil {
		g, err = h.Archives.ImportGuide(c.UserContext(), a, caller(c).ID, slug)
	}
	var ae *models.ArchiveError
	switch {
	case errors.As(err, &ae):
		return invalid(models.FieldErrors{"archive": ae.Msg})
	case errors.Is(err, models.ErrConflict):
		return h.slugTaken(c, slug, a.Guide.Slug)
	case err != nil:
		return err
	}
	rec, err := h.Guides.Guides.Record(c.UserContext(), g.Slug, caller(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+rec.Slug)
	return send(c, fiber.StatusCreated, guideOf(rec, caller(c)))
}

// slugTaken is the 409 for an archive whose address another guide has,
// with a free address to retry with, as the page suggests one.
func (h *Archives) slugTaken(c *fiber.Ctx, slug, archived string) error {
	if slug == "" {
		slug = archived
	}
	suggestion, err := h.Archives.SuggestSlug(c.UserContext(), slug)
	if err != nil {
		return err
	}
	p := problem(fiber.StatusConflict, "A guide with the address “"+slug+"” exists already. Import it with ?slug="+suggestion+", or choose another address.")
	p.Errors = []FieldError{{Field: "slug", Detail: "Taken; “" + suggestion + "” is free."}}
	return p
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
