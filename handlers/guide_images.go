package handlers

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/models/guidezip"
	"stepwise/models/imagestore"
	"stepwise/views/pages"
)

// Upload and import body limits: only these routes accept more than
// BodyLimit (see limitBodies).
const (
	ImageBodyLimit  = imagestore.MaxBytes + 64<<10 // one image and the form around it
	ImportBodyLimit = guidezip.MaxBytes + 64<<10   // one zip and the form around it
)

// imageStore is what the image pages read; uploads and deletions go
// through the authoring operations.
type imageStore interface {
	ForGuide(ctx context.Context, guideID int64) ([]models.Image, error)
	Uses(ctx context.Context, key string, userID int64) ([]models.ImageUse, error)
}

// GuideImages serves a guide's images panel, uploads, deletions and the
// images themselves.
type GuideImages struct {
	Ops    *authoring.Service
	Images imageStore
	Files  imagestore.Store
	viewer
}

// Index lists the guide's images with their Markdown and the upload form.
func (h *GuideImages) Index(c *fiber.Ctx) error {
	r, err := h.Ops.Editable(c.UserContext(), CurrentUser(c), c.Params("slug"))
	if err != nil {
		return err
	}
	return h.show(c, fiber.StatusOK, r.Guide, "")
}

func (h *GuideImages) show(c *fiber.Ctx, status int, g models.Guide, uploadErr string) error {
	imgs, err := h.Images.ForGuide(c.UserContext(), g.ID)
	if err != nil {
		return err
	}
	p := h.page(c, "Images of "+g.Title, true)
	return render(c, status, pages.GuideImages(p, pages.GuideImagesData{Guide: g, Images: imgs, Error: uploadErr}))
}

// Upload stores one image for the guide (authoring.UploadImage). The type
// is decided from the bytes, never the file name; a refused image shows
// the panel again with the reason.
func (h *GuideImages) Upload(c *fiber.Ctx) error {
	ctx, u, slug := c.UserContext(), CurrentUser(c), c.Params("slug")
	var err error
	fh, ferr := c.FormFile("image")
	switch {
	case ferr != nil:
		err = models.Invalid(models.FieldErrors{"image": "Choose an image file to upload."})
	case fh.Size > imagestore.MaxBytes:
		err = models.Invalid(models.FieldErrors{"image": "The image is larger than 5 MB."})
	default:
		var data []byte
		if data, err = formFileBytes(fh); err != nil {
			return err
		}
		_, err = h.Ops.UploadImage(ctx, u, slug, fh.Filename, data)
	}
	if err == nil {
		return redirect(c, "/author/guides/"+slug+"/images")
	}
	status, fe, ok := editorRefusal(err, "image")
	if !ok {
		return err
	}
	r, err := h.Ops.Editable(ctx, u, slug)
	if err != nil {
		return err
	}
	return h.show(c, status, r.Guide, fe["image"])
}

// Delete removes one of the guide's images.
func (h *GuideImages) Delete(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ErrNotFound
	}
	slug := c.Params("slug")
	if err := h.Ops.DeleteImage(c.UserContext(), CurrentUser(c), slug, id); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+slug+"/images")
}

// Serve sends an image. Images of a published guide are public and
// cached for a year (the name is the content's hash, so it never changes);
// an image only drafts use is served to their editors alone, privately.
func (h *GuideImages) Serve(c *fiber.Ctx) error {
	key := c.Params("file")
	if !imagestore.ValidKey(key) {
		return models.ErrNotFound
	}
	u := CurrentUser(c)
	var uid int64
	if u != nil {
		uid = u.ID
	}
	uses, err := h.Images.Uses(c.UserContext(), key, uid)
	if err != nil {
		return err
	}
	public, allowed := false, false
	for _, use := range uses {
		if models.CanReadGuide(u, use.Guide) {
			public, allowed = true, true
			break
		}
		if models.CanEditGuide(u, models.Editable(use)) {
			allowed = true
		}
	}
	if !allowed {
		return models.ErrNotFound
	}
	data, err := h.Files.Get(c.UserContext(), key)
	if errors.Is(err, imagestore.ErrNotFound) {
		return models.ErrNotFound // the file store's not-found, answered as the page's
	}
	if err != nil {
		return err
	}
	if public {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	}
	c.Set(fiber.HeaderContentType, imagestore.ContentTypeOf(key))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set(fiber.HeaderContentDisposition, "inline")
	return c.Send(data)
}
