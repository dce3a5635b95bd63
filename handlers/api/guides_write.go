package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/authoring"
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

// input applies the request to base (the guide's current settings, or
// an empty form) and its tags; the operation validates the result.
func (in guideRequest) input(base models.GuideForm, tags []string) authoring.GuideInput {
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
	return authoring.GuideInput{Form: f, Tags: tags}
}

// guideRefusal is a guide operation's refusal as the API answers it,
// fields named as the JSON names them. When the slug was to be made from
// a refused title, the title's message says all there is to fix.
func (in guideRequest) guideRefusal(err error, derivedSlug bool) error {
	return refused(err, func(fe models.FieldErrors) {
		if _, bad := fe["title"]; bad && derivedSlug {
			delete(fe, "slug")
		}
		if msg, ok := fe["intro"]; ok {
			delete(fe, "intro")
			fe.Add("intro_markdown", msg)
		}
	})
}

// refused is an operation's refusal that names fields as the API answers
// it, with rename applied to its field errors: 422 with them for invalid
// input, or the kind's status (refusal.Status) with them, such as 409
// for a taken slug. Any other error is returned as it is, for the
// problem handler.
func refused(err error, rename func(models.FieldErrors)) error {
	r, ok := models.AsRefusal(err)
	if !ok || len(r.Fields) == 0 {
		return err
	}
	fe := models.FieldErrors{}
	for k, v := range r.Fields {
		fe.Add(k, v)
	}
	if rename != nil {
		rename(fe)
	}
	if r.Kind == models.RefusedInvalid {
		return invalid(fe)
	}
	p := problem(refusal.Status(r.Kind), r.Reason)
	for _, k := range sortedKeys(fe) {
		p.Errors = append(p.Errors, FieldError{Field: k, Detail: fe[k]})
	}
	return p
}

// Create answers POST /api/v1/guides: a new draft owned by the caller.
func (h *Guides) Create(c *fiber.Ctx) error {
	if !models.CanCreateGuide(caller(c)) {
		return errForbidden
	}
	var in guideRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	u := caller(c)
	r, err := h.Ops.CreateGuide(c.UserContext(), u, in.input(models.GuideForm{}, nil))
	if err != nil {
		return in.guideRefusal(err, in.Slug == nil)
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
	u := caller(c)
	if err := requireMatch(c, guideOf(r, u)); err != nil {
		return err
	}
	var in guideRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	base := models.GuideForm{Title: r.Title, Slug: r.Slug, Summary: r.Summary, Difficulty: r.Difficulty,
		Minutes: strconv.Itoa(r.Minutes), Intro: r.IntroMD}
	saved, err := h.Ops.UpdateGuide(c.UserContext(), u, r.Slug, r.Version, in.input(base, r.Tags()))
	if err != nil {
		return in.guideRefusal(err, false)
	}
	return send(c, fiber.StatusOK, guideOf(saved, u))
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
	if !models.CanDeleteGuide(caller(c), r.Editable()) {
		return errForbidden
	}
	if err := requireMatch(c, guideOf(r, caller(c))); err != nil {
		return err
	}
	if err := h.Ops.DeleteGuide(c.UserContext(), caller(c), r.Slug, r.Version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// Publish answers POST /api/v1/guides/{slug}/publish.
func (h *Guides) Publish(c *fiber.Ctx) error { return h.setPublished(c, true) }

// Unpublish answers POST /api/v1/guides/{slug}/unpublish.
func (h *Guides) Unpublish(c *fiber.Ctx) error { return h.setPublished(c, false) }

// setPublished goes through the operation the browser uses, so
// publishing from the API fires the same guide.published webhook. Either
// is idempotent, so If-Match is optional.
func (h *Guides) setPublished(c *fiber.Ctx, publish bool) error {
	r, err := h.editable(c)
	if err != nil {
		return err
	}
	u := caller(c)
	if err := honourMatch(c, guideOf(r, u)); err != nil {
		return err
	}
	if r, err = h.Ops.SetPublished(c.UserContext(), u, r.Slug, publish); err != nil {
		return err
	}
	return send(c, fiber.StatusOK, guideOf(r, u))
}
