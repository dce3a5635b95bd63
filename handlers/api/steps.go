package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
)

// stepLinks lists a guide's steps in order, without bodies.
type stepLinks interface {
	List(ctx context.Context, guideID int64) ([]models.StepLink, error)
}

// stepReader reads one step with its Markdown and version.
type stepReader interface {
	Step(ctx context.Context, guideID int64, n int) (models.EditStep, error)
}

// Steps serves /api/v1/guides/{slug}/steps. A step is visible exactly
// when its guide is (guides.go), and changed by those who may edit it,
// through the authoring operations.
type Steps struct {
	Guides *Guides
	Store  stepReader
}

// Step is a step as the API shows it. BodyMarkdown and Version are only
// shown to the guide's editors, like the step editor.
type Step struct {
	ID           int64   `json:"id"`
	Guide        string  `json:"guide"`
	Number       int     `json:"number"`
	Title        string  `json:"title"`
	BodyHTML     string  `json:"body_html"`
	BodyMarkdown *string `json:"body_markdown,omitempty"`
	Version      *int    `json:"version,omitempty"`
	URL          string  `json:"url"`
}

// StepSummary is a step in a list: no body.
type StepSummary struct {
	ID     int64  `json:"id"`
	Number int    `json:"number"`
	Title  string `json:"title"`
	URL    string `json:"url"`
}

func stepURL(slug string, n int) string { return "/guides/" + slug + "/steps/" + strconv.Itoa(n) }

func stepOf(r models.GuideRecord, s models.EditStep, u *models.User) Step {
	out := Step{ID: s.ID, Guide: r.Slug, Number: s.Position, Title: s.Title, BodyHTML: s.BodyHTML,
		URL: stepURL(r.Slug, s.Position)}
	if models.CanEditGuide(u, r.Editable()) {
		md, v := s.BodyMD, s.Version
		out.BodyMarkdown, out.Version = &md, &v
	}
	return out
}

func summariesOf(slug string, links []models.StepLink) []StepSummary {
	out := make([]StepSummary, len(links))
	for i, l := range links {
		out[i] = StepSummary{ID: l.ID, Number: l.Position, Title: l.Title, URL: stepURL(slug, l.Position)}
	}
	return out
}

// List answers GET /api/v1/guides/{slug}/steps: the steps in order, in
// pages keyed by number.
func (h *Steps) List(c *fiber.Ctx) error {
	r, err := h.Guides.visible(c)
	if err != nil {
		return err
	}
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	links, err := h.Guides.Steps.List(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	var rest []models.StepLink
	for _, l := range links {
		if int64(l.Position) > after && len(rest) <= limit {
			rest = append(rest, l)
		}
	}
	return send(c, fiber.StatusOK, listOf(c, summariesOf(r.Slug, rest), limit, func(s StepSummary) int64 { return int64(s.Number) }))
}

// Show answers GET /api/v1/guides/{slug}/steps/{n}.
func (h *Steps) Show(c *fiber.Ctx) error {
	r, err := h.Guides.visible(c)
	if err != nil {
		return err
	}
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	s, err := h.Store.Step(c.UserContext(), r.ID, n)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, stepOf(r, s, caller(c)))
}

// editing loads the guide (which the caller must be allowed to edit) and
// its step {n} (authoring.EditableStep).
func (h *Steps) editing(c *fiber.Ctx) (models.GuideRecord, models.EditStep, error) {
	n, err := stepNumber(c)
	if err != nil {
		return models.GuideRecord{}, models.EditStep{}, err
	}
	return h.Guides.Ops.EditableStep(c.UserContext(), caller(c), c.Params("slug"), n)
}

// stepRequest is the body of POST and PATCH on steps; in a PATCH an
// absent field keeps its value.
type stepRequest struct {
	Title        *string `json:"title"`
	BodyMarkdown *string `json:"body_markdown"`
}

// form applies the request to base; the operation validates the result.
func (in stepRequest) form(base models.StepForm) models.StepForm {
	f := base
	if in.Title != nil {
		f.Title = *in.Title
	}
	if in.BodyMarkdown != nil {
		f.Body = *in.BodyMarkdown
	}
	f.Title = strings.TrimSpace(f.Title)
	return f
}

// stepRefusal is a step operation's refusal with its fields named as the
// JSON names them.
func stepRefusal(err error) error {
	return refused(err, func(fe models.FieldErrors) {
		if msg, ok := fe["body"]; ok {
			delete(fe, "body")
			fe.Add("body_markdown", msg)
		}
	})
}

// Create answers POST /api/v1/guides/{slug}/steps: a step appended to
// the guide.
func (h *Steps) Create(c *fiber.Ctx) error {
	r, err := h.Guides.editable(c)
	if err != nil {
		return err
	}
	var in stepRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	u := caller(c)
	s, err := h.Guides.Ops.AddStep(c.UserContext(), u, r.Slug, in.form(models.StepForm{}))
	if err != nil {
		return stepRefusal(err)
	}
	c.Set(fiber.HeaderLocation, "/api/v1/guides/"+r.Slug+"/steps/"+strconv.Itoa(s.Position))
	return send(c, fiber.StatusCreated, stepOf(r, s, u))
}

// Update answers PATCH /api/v1/guides/{slug}/steps/{n} (If-Match
// required). On a published guide the save keeps a revision, as the
// browser's does.
func (h *Steps) Update(c *fiber.Ctx) error {
	r, s, err := h.editing(c)
	if err != nil {
		return err
	}
	u := caller(c)
	if err := requireMatch(c, stepOf(r, s, u)); err != nil {
		return err
	}
	var in stepRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	// A save that changes nothing keeps the version (and so the ETag):
	// the operation's rule, the same for the pages.
	f := in.form(models.StepForm{Title: s.Title, Body: s.BodyMD})
	saved, err := h.Guides.Ops.SaveStep(c.UserContext(), u, r.Slug, s.Position, authoring.StepSave{Form: f, Version: s.Version})
	if err != nil {
		return stepRefusal(err)
	}
	return send(c, fiber.StatusOK, stepOf(r, saved, u))
}

// Delete answers DELETE /api/v1/guides/{slug}/steps/{n} (If-Match
// required); the later steps move up one.
func (h *Steps) Delete(c *fiber.Ctx) error {
	r, s, err := h.editing(c)
	if err != nil {
		return err
	}
	if err := requireMatch(c, stepOf(r, s, caller(c))); err != nil {
		return err
	}
	ref := authoring.StepRef{ID: s.ID, Version: s.Version}
	if err := h.Guides.Ops.DeleteStep(c.UserContext(), caller(c), r.Slug, s.Position, ref); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// moveRequest is the body of POST .../steps/{n}/move.
type moveRequest struct {
	To *int `json:"to"`
}

// Move answers POST /api/v1/guides/{slug}/steps/{n}/move: the step goes
// to position "to" (past the end: last), the steps between shift, and the
// answer is the guide's steps in their new order. If-Match is optional;
// without it the step at {n} when the request arrives is moved.
func (h *Steps) Move(c *fiber.Ctx) error {
	r, s, err := h.editing(c)
	if err != nil {
		return err
	}
	u := caller(c)
	if err := honourMatch(c, stepOf(r, s, u)); err != nil {
		return err
	}
	var in moveRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	to := 0 // absent: refused by the operation, as any position out of range
	if in.To != nil {
		to = *in.To
	}
	links, err := h.Guides.Ops.MoveStep(c.UserContext(), u, r.Slug, s.Position, to, authoring.StepRef{ID: s.ID, Version: -1})
	if err != nil {
		return stepRefusal(err)
	}
	return send(c, fiber.StatusOK, List[StepSummary]{Items: summariesOf(r.Slug, links)})
}
