package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/models/guidezip"
	"stepwise/views/pages"
)

// GuideArchives exports a guide as a zip of Markdown files and imports one
// as a new draft, through the authoring operations.
type GuideArchives struct {
	Ops *authoring.Service
	viewer
}

// Export sends the guide as a zip in the built-in guides' format.
func (h *GuideArchives) Export(c *fiber.Ctx) error {
	x, err := h.Ops.ExportGuide(c.UserContext(), CurrentUser(c), c.Params("slug"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+x.Slug+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(x.Zip)
}

// ImportForm shows the upload form for a guide archive.
func (h *GuideArchives) ImportForm(c *fiber.Ctx) error {
	if !models.CanCreateGuide(CurrentUser(c)) {
		return errForbidden
	}
	return h.form(c, fiber.StatusOK, pages.GuideImportData{})
}

func (h *GuideArchives) form(c *fiber.Ctx, status int, d pages.GuideImportData) error {
	return render(c, status, pages.GuideImport(h.page(c, "Import a guide", true), d))
}

// Import reads the uploaded zip and creates a draft guide owned by the
// importer (authoring.ImportGuide). A refused archive shows the form
// again saying what is wrong; a taken address fills in a free one.
func (h *GuideArchives) Import(c *fiber.Ctx) error {
	if !models.CanCreateGuide(CurrentUser(c)) {
		return errForbidden
	}
	d := pages.GuideImportData{Slug: strings.TrimSpace(c.FormValue("slug"))}
	var err error
	var res authoring.Import
	fh, ferr := c.FormFile("archive")
	switch {
	case ferr != nil:
		err = models.Invalid(models.FieldErrors{"archive": "Choose a zip file to import."})
	case fh.Size > guidezip.MaxBytes:
		err = models.Invalid(models.FieldErrors{"archive": "The archive is larger than 20 MB."})
	default:
		var data []byte
		if data, err = formFileBytes(fh); err != nil {
			return err
		}
		res, err = h.Ops.ImportGuide(c.UserContext(), CurrentUser(c), data, d.Slug)
	}
	if err == nil {
		return redirect(c, "/author/guides/"+res.Guide.Slug)
	}
	status, fe, ok := editorRefusal(err, "archive")
	if !ok {
		return err
	}
	if res.Suggestion != "" {
		d.Slug = res.Suggestion
		fe["slug"] += " It is filled in below; choose the file again."
	}
	d.Errors = fe
	return h.form(c, status, d)
}
