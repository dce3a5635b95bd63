package api

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// guideRequest is the body of POST /api/v1/guides and PATCH
// /api/v1/guides/{slug}. Every field is a pointer: in a PATCH an absent
// (or null) field keeps its value; in a POST it starts empty, which the
// settings form's validation then judges as it would an empty field.
type guideRequest struct {
	Title         *string   `json:"title"`
	Slug          *string   `json:"slug"`
	Summary       *string   `json:"summary"`
	Difficulty    *string   `json:"difficulty"`
	Minutes       *int      `json:"minutes"`
	Tags          *[]string `json:"tags"`
	IntroMarkdown *string   `json:"intro_markdown"`
}

// form applies the request to base (the guide's current settings, or an
// empty form) and validates the result with the browser's rules. Field
// errors are named as the JSON fields are.
func (in guideRequest) form(base models.GuideForm, tags []string) (models.GuideForm, []string, models.FieldErrors) {
	f := base
	for _, p := range []struct {
		dst *string
		src *string
	}{{&f.Title, in.Title}, {&f.Slug, in.Slug}, {&f.Summary, in.Summary}, {&f.Difficulty, in.Difficulty}, {&f.Intro, in.IntroMarkdown}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if in.Minutes != nil {
		f.Minutes = strconv.Itoa(*in.Minutes)
	}
	if in.Tags != nil {
		tags = *in.Tags
	}
	f.Normalize()
	fe := f.Validate()
	if _, bad := fe["title"]; bad && in.Slug == nil && base.Slug == "" {
		// The slug was to be made from the title: the title's message
		// says all there is to fix.
		delete(fe, "slug")
	}
	if msg, ok := fe["intro"]; ok {
		delete(fe, "intro")
		fe.Add("intro_markdown", msg)
	}
	clean, msg := models.CheckTags(tags)
	if msg != "" {
		fe.Add("tags", msg)
	}
	return f, clean, fe
}

// slugTaken is the 409 for a slug another guide has.
func slugTaken() *Problem {
	p := problem(fiber.StatusConflict, "Another guide already has this slug. Choose another.")
	p.Errors = []FieldError{{Field: "slug", Detail: "Another guide already has this address. Choose another."}}
	return p
}

// stale is the 412 for a change that lost a race with another one made
// after the caller's If-Match was checked.
func stale() *Problem {
	p := problem(fiber.StatusPreconditionFailed, "The resource changed while your request was handled. GET it again, re-apply your change, and retry with the new ETag.")
	p.Type = "/api/docs#conditional-requests"
	return p
}

// Create answers POST /api/v1/guides: a new draft owned by the caller.
func (h *Guides) Create(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	var in guideRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	f, tags, fe := in.form(models.GuideForm{}, nil)
	if fe.Any() {
		return invalid(fe)
	}
	u, ctx := caller(c), c.UserContext()
	_, err := h.Store.CreateGuideTagged(ctx, u.ID, f, tags)
	if errors.Is(err, models.ErrConflict) {
		return slugTaken()
	}
	if err != nil {
		return err
	}
	r, err := h.Guides.Record(ctx, f.Slug, u.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+r.Slug)
	return send(c, fiber.StatusCreated, guideOf(r, u))
}

// Update answers PATCH /api/v1/guides/{slug} (If-Match required). As in
// the browser, a published guide keeps its slug.
func (h *Guides) Update(c *fiber.Ctx) error {
	r, err := h.editable(c)
	if err != nil {
		return err
	}
	u, ctx := caller(c), c.UserContext()
	if err := requireMatch(c, guideOf(r, u)); err != nil {
		return err
	}
	var in guideRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	base := models.GuideForm{Title: r.Title, Slug: r.Slug, Summary: r.Summary, Difficulty: r.Difficulty,
		Minutes: strconv.Itoa(r.Minutes), Intro: r.IntroMD}
	f, tags, fe := in.form(base, r.Tags())
	if r.PublishedAt != nil && f.Slug != r.Slug {
		fe.Add("slug", "A published guide keeps its address, so links to it keep working. Unpublish it to change the address.")
	}
	if fe.Any() {
		return invalid(fe)
	}
	g := models.AuthorGuide{Guide: r.Guide, IntroMD: r.IntroMD, Version: r.Version}
	err = h.Store.UpdateGuideTagged(ctx, g, r.Version, f, tags)
	switch {
	case errors.Is(err, models.ErrStale):
		return stale()
	case errors.Is(err, models.ErrConflict):
		return slugTaken()
	case err != nil:
		return err
	}
	if r, err = h.Guides.Record(ctx, f.Slug, u.ID); err != nil {
		return err
	}
	return send(c, fiber.StatusOK, guideOf(r, u))
}

// Delete answers DELETE /api/v1/guides/{slug} (If-Match required). Only
// the owner or an admin may delete a guide, and only a draft: a published
// guide has learners, whose progress and notes would go with it, so it
// must be unpublished first (409).
func (h *Guides) Delete(c *fiber.Ctx) error {
	r, err := h.editable(c)
	if err != nil {
		return err
	}
	if err := allow(c, models.DeleteGuide, r.Editable()); err != nil {
		return err
	}
	if err := requireMatch(c, guideOf(r, caller(c))); err != nil {
		return err
	}
	if r.PublishedAt != nil {
		return problem(fiber.StatusConflict, "A published guide cannot be deleted. Unpublish it first (POST /api/v1/guides/"+r.Slug+"/unpublish).")
	}
	ctx := c.UserContext()
	orphans, err := h.Store.DeleteDraftGuide(ctx, r.ID, r.Version)
	if errors.Is(err, models.ErrStale) {
		return stale()
	}
	if err != nil {
		return err
	}
	if h.Images != nil {
		for _, key := range orphans {
			// The guide is gone either way; a file left behind is never
			// served (images are served only for a guide that has them).
			_ = h.Images.Delete(ctx, key)
		}
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Publish answers POST /api/v1/guides/{slug}/publish.
func (h *Guides) Publish(c *fiber.Ctx) error { return h.setPublished(c, true) }

// Unpublish answers POST /api/v1/guides/{slug}/unpublish.
func (h *Guides) Unpublish(c *fiber.Ctx) error { return h.setPublished(c, false) }

// setPublished goes through the browser's model call, so publishing from
// the API fires the same guide.published webhook. Either is idempotent,
// so If-Match is optional.
func (h *Guides) setPublished(c *fiber.Ctx, publish bool) error {
	r, err := h.editable(c)
	if err != nil {
		return err
	}
	u, ctx := caller(c), c.UserContext()
	if err := honourMatch(c, guideOf(r, u)); err != nil {
		return err
	}
	if err := h.Store.SetPublished(ctx, r.ID, publish); err != nil {
		return err
	}
	if r, err = h.Guides.Record(ctx, r.Slug, u.ID); err != nil {
		return err
	}
	return send(c, fiber.StatusOK, guideOf(r, u))
}
