package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/learning"
)

// stepFinder finds step n of a guide, draft or not: whether the caller
// may see it is decided on the guide, by the policy.
type stepFinder interface {
	At(ctx context.Context, guideID int64, n int) (models.Step, error)
}

// stepNumber is the route's step number :n; 404 for anything but a
// positive number.
func stepNumber(c *fiber.Ctx) (int, error) {
	n, ok := models.StepNumber(c.Params("n"))
	if !ok {
		return 0, errNotFound
	}
	return n, nil
}

// stepIn loads the guide the route names with load (Guides.visible or
// Guides.editable, which decide 403 and 404) and its step :n.
func stepIn(c *fiber.Ctx, load func(*fiber.Ctx) (models.GuideRecord, error), steps stepFinder) (models.GuideRecord, models.Step, error) {
	r, err := load(c)
	if err != nil {
		return r, models.Step{}, err
	}
	n, err := stepNumber(c)
	if err != nil {
		return r, models.Step{}, err
	}
	step, err := steps.At(c.UserContext(), r.ID, n)
	return r, step, err
}

// visibleStep loads the guide the route names, if the caller may see it,
// and its step :n.
func visibleStep(c *fiber.Ctx, guides *Guides, steps stepFinder) (models.GuideRecord, models.Step, error) {
	return stepIn(c, guides.visible, steps)
}

// trackedStep is visibleStep for reading what a learner keeps on a step
// (their note): models.CanTrackProgress, as learning's operations apply
// it to changes, so a draft's editor gets 403 and everyone else 404.
func trackedStep(c *fiber.Ctx, guides *Guides, steps stepFinder) (models.GuideRecord, models.Step, error) {
	r, step, err := visibleStep(c, guides, steps)
	if err != nil {
		return r, step, err
	}
	if !models.CanTrackProgress(caller(c), r.Guide) {
		return r, step, errForbidden
	}
	return r, step, nil
}

// progressSteps is what the progress endpoints need from the steps.
type progressSteps interface {
	Outline(ctx context.Context, guideID, userID int64) ([]models.StepLink, error)
}

// progressCertificates reads the caller's certificate for a guide.
type progressCertificates interface {
	CodeFor(ctx context.Context, userID, guideID int64) (string, error)
}

// Progress serves a learner's progress through a guide and, through
// learning's operations (which the pages share), the completion of its
// steps.
type Progress struct {
	Guides       *Guides
	Steps        progressSteps
	Certificates progressCertificates
	Learning     *learning.Service
}

// GuideProgress is the caller's progress through one guide.
type GuideProgress struct {
	Guide          string         `json:"guide"`
	Done           int            `json:"done"`
	Total          int            `json:"total"`
	Percent        int            `json:"percent"`
	Steps          []StepProgress `json:"steps"`
	CertificateURL *string        `json:"certificate_url"`
}

// StepProgress is whether the caller completed one step.
type StepProgress struct {
	N     int    `json:"n"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// certificatePage is the public page of a certificate, which is how anyone
// verifies it.
func certificatePage(code string) string { return "/certificates/" + code }

// progressOf reads u's progress through guide: the outline with check
// marks and their certificate for it. ctx may carry an operation's
// transaction, so If-Match is compared with the progress it changes.
func (h *Progress) progressOf(ctx context.Context, u *models.User, guide models.Guide) (GuideProgress, error) {
	links, err := h.Steps.Outline(ctx, guide.ID, u.ID)
	if err != nil {
		return GuideProgress{}, err
	}
	p := GuideProgress{Guide: guide.Slug, Total: len(links), Steps: make([]StepProgress, len(links))}
	for i, l := range links {
		p.Steps[i] = StepProgress{N: l.Position, Title: l.Title, Done: l.Done}
		if l.Done {
			p.Done++
		}
	}
	p.Percent = models.Percent(p.Done, p.Total)
	code, err := h.Certificates.CodeFor(ctx, u.ID, guide.ID)
	if err != nil {
		return GuideProgress{}, err
	}
	if code != "" {
		url := certificatePage(code)
		p.CertificateURL = &url
	}
	return p, nil
}

// Show answers GET /api/v1/guides/{slug}/progress.
func (h *Progress) Show(c *fiber.Ctx) error {
	r, err := h.Guides.visible(c)
	if err != nil {
		return err
	}
	p, err := h.progressOf(c.UserContext(), caller(c), r.Guide)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, p)
}

// stepRef is the step the route names, for learning's operations, which
// find it and decide who may act on it (a :n that is not a positive
// number is not found there).
func stepRef(c *fiber.Ctx) learning.StepRef {
	n, _ := models.StepNumber(c.Params("n"))
	return learning.StepRef{Guide: c.Params("slug"), Step: n}
}

// completion is the input of the completion endpoints: the step, and
// If-Match, when sent, compared with the caller's progress in the
// operation's transaction. Without If-Match there is no Check, so the
// progress is not read inside the write transaction for nothing.
func (h *Progress) completion(c *fiber.Ctx) learning.StepInput {
	in := learning.StepInput{StepRef: stepRef(c)}
	if c.Get(fiber.HeaderIfMatch) == "" {
		return in
	}
	in.Check = func(ctx context.Context, t learning.Target) error {
		p, err := h.progressOf(ctx, caller(c), t.Guide)
		if err != nil {
			return err
		}
		return honourMatch(c, p)
	}
	return in
}

// completionRefused answers a refused completion: a required quiz not
// passed links to its section of the reference; the status and reason
// are the refusal's, as on the pages. Anything else goes to the problem
// handler as it is.
func completionRefused(err error) error {
	r, ok := models.AsRefusal(err)
	if !ok || r.Code != learning.CodeQuizNotPassed {
		return err
	}
	p := problem(refusal.Status(r.Kind), r.Reason)
	p.Type = "/api/docs#quiz-required"
	return p
}

// Complete answers PUT /api/v1/guides/{slug}/steps/{n}/completion with
// learning's CompleteStep: the step is marked complete (again,
// harmlessly) and, when it was the last one, the certificate is issued,
// as in the browser. If-Match is optional and compares with the guide's
// progress.
func (h *Progress) Complete(c *fiber.Ctx) error {
	res, err := h.Learning.CompleteStep(c.UserContext(), caller(c), h.completion(c))
	if err != nil {
		return completionRefused(err)
	}
	p, err := h.progressOf(c.UserContext(), caller(c), res.Guide)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, p)
}

// Uncomplete answers DELETE /api/v1/guides/{slug}/steps/{n}/completion
// with learning's UndoStep. Undoing is always allowed (a step not done
// stays so) and keeps a certificate already issued.
func (h *Progress) Uncomplete(c *fiber.Ctx) error {
	if _, err := h.Learning.UndoStep(c.UserContext(), caller(c), h.completion(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
