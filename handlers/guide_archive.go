package handlers

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// archiveStore is what export and import need.
type archiveStore interface {
	ExportGuide(ctx context.Context, guideID int64) (models.GuideArchive, error)
	ImportGuide(ctx context.Context, a models.GuideArchive, ownerID int64, slug string) (models.Guide, error)
	SuggestSlug(ctx context.Context, slug string) (string, error)
}

// GuideArchives exports a guide as a zip of Markdown files and imports one
// as a new draft.
type GuideArchives struct {
	Guides   editableGuides
	Archives archiveStore
	viewer
}

// Export sends the guide as a zip in the built-in guides' format.
func (h *GuideArchives) Export(c *fiber.Ctx) error {
	e, err := editableGuide(c, h.Guides)
	if err != nil {
		return err
	}
	a, err := h.Archives.ExportGuide(c.UserContext(), e.Guide.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.WriteZip(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+e.Guide.Slug+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(buf.Bytes())
}

// ImportForm shows the upload form for a guide archive.
func (h *GuideArchives) ImportForm(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	return h.form(c, fiber.StatusOK, pages.GuideImportData{})
}

func (h *GuideArchives) form(c *fiber.Ctx, status int, d pages.GuideImportData) error {
	return render(c, status, pages.GuideImport(h.page(c, "Import a guide", true), d))
}

// Import reads the uploaded zip and creates a draft guide owned by the
// importer. Every problem with the archive is a 422 saying what is wrong.
func (h *GuideArchives) Import(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	d := pages.GuideImportData{Slug: strings.TrimSpace(c.FormValue("slug")), Errors: models.FieldErrors{}}
	if d.Slug != "" && (len(d.Slug) > models.SlugMaxLen || models.Slugify(d.Slug) != d.Slug) {
		d.Errors.Add("slug", "Use lower-case letters, digits and single hyphens only, at most 80.")
		return h.form(c, fiber.StatusUnprocessableEntity, d)
	}
	fh, err := c.FormFile("archive")
	if err != nil {
		d.Errors.Add("archive", "Choose a zip file to import.")
		return h.form(c, fiber.StatusUnprocessableEntity, d)
	}
	if fh.Size > models.MaxArchiveBytes {
		d.Errors.Add("archive", "The archive is larger than 20 MB.")
		return h.form(c, fiber.StatusUnprocessableEntity, d)
	}
	data, err := formFileBytes(fh)
	if err != nil {
		return err
	}
	a, err := models.ReadGuideZip(data)
	if err == nil {
		var g models.Guide
		g, err = h.Archives.ImportGuide(c.UserContext(), a, CurrentUser(c).ID, d.Slug)
		if err == nil {
			return redirect(c, "/author/guides/"+g.Slug)
		}
	}
	var ae *models.ArchiveError
	switch {
	case errors.As(err, &ae):
		d.Errors.Add("archive", ae.Msg)
	case errors.Is(err, models.ErrConflict):
		slug := d.Slug
		if slug == "" {
			slug = a.Guide.Slug
		}
		suggestion, serr := h.Archives.SuggestSlug(c.UserContext(), slug)
		if serr != nil {
			return serr
		}
		d.Slug = suggestion
		d.Errors.Add("slug", "A guide with the address “"+slug+"” exists already. Import it as “"+suggestion+"” (filled in below), or choose another address, and choose the file again.")
	default:
		return err
	}
	return h.form(c, fiber.StatusUnprocessableEntity, d)
}
