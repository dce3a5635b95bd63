package api

import (
	"context"
	"mime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// imageLibrary is what the image endpoints read: the images page's own
// store; uploads and deletions go through the authoring operations.
type imageLibrary interface {
	ForGuide(ctx context.Context, guideID int64) ([]models.Image, error)
}

// Images serves /api/v1/guides/{slug}/images: a guide's uploaded images,
// for its editors, as on the images page.
type Images struct {
	Guides *Guides
	Images imageLibrary
}

// Image is an uploaded image. URL is where it is served; Markdown is the
// snippet that shows it in a step.
type Image struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	URL         string    `json:"url"`
	Markdown    string    `json:"markdown"`
	CreatedAt   time.Time `json:"created_at"`
}

func imageOf(i models.Image) Image {
	return Image{ID: i.ID, Name: i.Name, ContentType: i.ContentType, Size: i.Size, Width: i.Width, Height: i.Height,
		URL: i.URL(), Markdown: i.Markdown(), CreatedAt: i.CreatedAt.UTC()}
}

// List answers GET /api/v1/guides/{slug}/images: newest first, in pages
// keyed by id.
func (h *Images) List(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	imgs, err := h.Images.ForGuide(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	// By id, so the cursor's order is the list's even if two uploads
	// share a timestamp.
	sort.Slice(imgs, func(i, j int) bool { return imgs[i].ID > imgs[j].ID })
	var items []Image
	for _, img := range imgs {
		if (after == 0 || img.ID < after) && len(items) <= limit {
			items = append(items, imageOf(img))
		}
	}
	return send(c, fiber.StatusOK, listOf(c, items, limit, func(i Image) int64 { return i.ID }))
}

// Show answers GET /api/v1/guides/{slug}/images/{id}; its ETag is what a
// deletion must send.
func (h *Images) Show(c *fiber.Ctx) error {
	_, img, err := h.image(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, imageOf(img))
}

// imageTypes are the content types an upload may be sent as; the type
// stored is still decided from the bytes (imagestore.Check).
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Upload answers POST /api/v1/guides/{slug}/images: the body is the
// image itself, ?name= its file name (for the alt text). 201 with the
// new image; 200 with the existing one when the guide has this picture
// already (the page does the same: one row per picture).
func (h *Images) Upload(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || !imageTypes[mt] {
		return problem(fiber.StatusUnsupportedMediaType, "Send the image itself as the body, with Content-Type image/png, image/jpeg, image/gif or image/webp.")
	}
	name := c.Query("name")
	if len(name) > 1000 {
		return queryProblem("name", "Use a file name of at most 1000 bytes.")
	}
	data, err := rawBody(c)
	if err != nil {
		return err
	}
	// rawBody's slice is the handler's own (fasthttp's buffer, reused
	// after the handler, only for a body that was never streamed).
	if !c.Request().IsBodyStream() {
		data = append([]byte(nil), data...)
	}
	up, err := h.Guides.Ops.UploadImage(c.UserContext(), caller(c), r.Slug, strings.Clone(name), data)
	if err != nil {
		return refused(err, func(fe models.FieldErrors) {
			fe["body"] = fe["image"]
			delete(fe, "image")
		})
	}
	status := fiber.StatusOK
	if up.Created {
		status = fiber.StatusCreated
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+r.Slug+"/images/"+strconv.FormatInt(up.Image.ID, 10))
	return send(c, status, imageOf(up.Image))
}

// Delete answers DELETE /api/v1/guides/{slug}/images/{id} (If-Match of
// the image required). Steps that show it will show a broken image, as
// after a deletion on the page; the file goes when no guide uses it.
func (h *Images) Delete(c *fiber.Ctx) error {
	r, img, err := h.image(c)
	if err != nil {
		return err
	}
	if err := requireMatch(c, imageOf(img)); err != nil {
		return err
	}
	if err := h.Guides.Ops.DeleteImage(c.UserContext(), caller(c), r.Slug, img.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// image loads the guide (which the caller must be allowed to edit) and
// its image {id}; another guide's image is 404.
func (h *Images) image(c *fiber.Ctx) (models.GuideRecord, models.Image, error) {
	r, err := h.Guides.editable(c)
	if err != nil {
		return r, models.Image{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return r, models.Image{}, err
	}
	imgs, err := h.Images.ForGuide(c.UserContext(), r.ID)
	if err != nil {
		return r, models.Image{}, err
	}
	for _, img := range imgs {
		if img.ID == id {
			return r, img, nil
		}
	}
	return r, models.Image{}, errNotFound
}
