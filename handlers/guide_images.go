package handlers

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// Upload and import body limits: only these routes accept more than
// BodyLimit (see limitBodies).
const (
	ImageBodyLimit  = models.MaxImageBytes + 64<<10   // one image and the form around it
	ImportBodyLimit = models.MaxArchiveBytes + 64<<10 // one zip and the form around it
)

// editableGuides is what guide editing pages need to find a guide and
// decide who may change it.
type editableGuides interface {
	ForEditing(ctx context.Context, slug string, userID int64) (models.Editable, error)
}

// imageStore is what the image pages need.
type imageStore interface {
	Add(ctx context.Context, guideID int64, uploadedBy *int64, name string, data []byte, info models.ImageInfo) (models.Image, error)
	ForGuide(ctx context.Context, guideID int64) ([]models.Image, error)
	Delete(ctx context.Context, guideID, id int64) error
	Uses(ctx context.Context, key string, userID int64) ([]models.ImageUse, error)
}

// GuideImages serves a guide's images panel, uploads, deletions and the
// images themselves.
type GuideImages struct {
	Guides editableGuides
	Images imageStore
	Files  models.ImageStore
	viewer
}

// editableGuide returns the guide in the URL if the signed-in user may edit
// it: a draft they may not edit is not found, a published guide forbidden.
func editableGuide(c *fiber.Ctx, guides editableGuides) (models.Editable, error) {
	u := CurrentUser(c)
	if u == nil {
		return models.Editable{}, errForbidden
	}
	e, err := guides.ForEditing(c.UserContext(), c.Params("slug"), u.ID)
	if err != nil {
		return e, err
	}
	if !models.Can(u, models.EditGuide, e) {
		if e.Guide.PublishedAt == nil {
			return e, models.ErrNotFound
		}
		return e, errForbidden
	}
	return e, nil
}

// Index lists the guide's images with their Markdown and the upload form.
func (h *GuideImages) Index(c *fiber.Ctx) error {
	e, err := editableGuide(c, h.Guides)
	if err != nil {
		return err
	}
	return h.show(c, fiber.StatusOK, e.Guide, "")
}

func (h *GuideImages) show(c *fiber.Ctx, status int, g models.Guide, uploadErr string) error {
	imgs, err := h.Images.ForGuide(c.UserContext(), g.ID)
	if err != nil {
		return err
	}
	p := h.page(c, "Images of "+g.Title, true)
	return render(c, status, pages.GuideImages(p, pages.GuideImagesData{Guide: g, Images: imgs, Error: uploadErr}))
}

// Upload stores one image for the guide. The type is decided from the
// bytes, never the file name; anything else is a 422 with the reason.
func (h *GuideImages) Upload(c *fiber.Ctx) error {
	e, err := editableGuide(c, h.Guides)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("image")
	if err != nil {
		return h.show(c, fiber.StatusUnprocessableEntity, e.Guide, "Choose an image file to upload.")
	}
	if fh.Size > models.MaxImageBytes {
		return h.show(c, fiber.StatusUnprocessableEntity, e.Guide, "The image is larger than 5 MB.")
	}
	data, err := formFileBytes(fh)
	if err != nil {
		return err
	}
	info, err := models.CheckImage(data)
	if errors.Is(err, models.ErrBadImage) {
		return h.show(c, fiber.StatusUnprocessableEntity, e.Guide, imageMessage(err))
	}
	if err != nil {
		return err
	}
	uid := CurrentUser(c).ID
	if _, err := h.Images.Add(c.UserContext(), e.Guide.ID, &uid, fh.Filename, data, info); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+e.Guide.Slug+"/images")
}

// imageMessage is CheckImage's refusal as a sentence for the user.
func imageMessage(err error) string {
	msg := err.Error()
	if p := models.ErrBadImage.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		msg = msg[len(p):]
	}
	return "That image was refused: " + msg + "."
}

// Delete removes one of the guide's images.
func (h *GuideImages) Delete(c *fiber.Ctx) error {
	e, err := editableGuide(c, h.Guides)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return models.ErrNotFound
	}
	if err := h.Images.Delete(c.UserContext(), e.Guide.ID, id); err != nil {
		return err
	}
	return redirect(c, "/author/guides/"+e.Guide.Slug+"/images")
}

// Serve sends an image. Images of a published guide are public and
// cached for a year (the name is the content's hash, so it never changes);
// an image only drafts use is served to their editors alone, privately.
func (h *GuideImages) Serve(c *fiber.Ctx) error {
	key := c.Params("file")
	if !models.ValidImageKey(key) {
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
		if models.Can(u, models.ReadGuide, use.Guide) {
			public, allowed = true, true
			break
		}
		if models.Can(u, models.EditGuide, models.Editable(use)) {
			allowed = true
		}
	}
	if !allowed {
		return models.ErrNotFound
	}
	data, err := h.Files.Get(c.UserContext(), key)
	if err != nil {
		return err
	}
	if public {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	}
	c.Set(fiber.HeaderContentType, models.ContentTypeOfKey(key))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set(fiber.HeaderContentDisposition, "inline")
	return c.Send(data)
}
