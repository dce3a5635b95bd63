package api

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// stepFinder finds step n of a guide, draft or not: whether the caller
// may see it is decided on the guide, by the policy.
type stepFinder interface {
	At(ctx context.Context, guideID int64, n int) (models.Step, error)
}

// stepNumber is the route's step number :n; 404 for anything but a
// positive number.
func stepNumber(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
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

// trackedStep is visibleStep for what a learner does on a step (complete
// it, answer its quiz, keep a note): the policy's TrackProgress, as in the
// browser, so a draft's editor gets 403 and everyone else 404.
func trackedStep(c *fiber.Ctx, guides *Guides, steps stepFinder) (models.GuideRecord, models.Step, error) {
	r, step, err := visibleStep(c, guides, steps)
	if err != nil {
		return r, step, err
	}
	return r, step, allow(c, models.TrackProgress, r.Guide)
}

// progressSteps is what the progress endpoints need from the steps.
type progressSteps interface {
	stepFinder
	Outline(ctx context.Context, guideID, userID int64) ([]models.StepLink, error)
}

// progressStore marks steps complete.
type progressStore interface {
	Set(ctx context.Context, userID int64, step models.Step, done bool) error
}

// completionRule says whether a required quiz stands in the way.
type completionRule interface {
	MayComplete(ctx context.Context, userID, stepID int64) (bool, error)
}

// progressCertificates issues and reads certificates.
type progressCertificates interface {
	IssueIfComplete(ctx context.Context, user models.User, guide models.Guide) (string, error)
	CodeFor(ctx context.Context, userID, guideID int64) (string, error)
}

// Progress serves a learner's progress through a guide and the
// completion of its steps.
type Progress struct {
	Guides       *Guides
	Steps        progressSteps
	Progress     progressStore
	Quizzes      completionRule
	Certificates progressCertificates
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

// progressOf reads the caller's progress through guide: the outline with
// check marks and their certificate for it.
func (h *Progress) progressOf(c *fiber.Ctx, guide models.GuideRecord) (GuideProgress, error) {
	ctx := c.UserContext()
	u := caller(c)
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
	p, err := h.progressOf(c, r)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, p)
}

// errQuizRequired refuses completing a step whose required quiz the
// caller has not passed: the state of the quiz, not the request, is what
// stands in the way, so it is a 409 like the browser's refusal.
func errQuizRequired() *Problem {
	p := problem(fiber.StatusConflict, "Pass this step's quiz (every answer right in one attempt) before marking the step complete.")
	p.Type = "/api/docs#quiz-required"
	return p
}

// Complete answers PUT /api/v1/guides/{slug}/steps/{n}/completion: the
// step is marked complete (again, harmlessly) and, when it was the last
// one, the certificate is issued, as in the browser. If-Match is optional
// and compares with the guide's progress.
func (h *Progress) Complete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := caller(c)
	r, step, before, err := h.tracked(c)
	if err != nil {
		return err
	}
	if before.has(step.Position) && (before.Done < before.Total || before.CertificateURL != nil) {
		// Done already (a syncing script repeats itself): nothing to
		// write, and the answer is the progress as it stands.
		return send(c, fiber.StatusOK, before)
	}
	ok, err := h.Quizzes.MayComplete(ctx, u.ID, step.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errQuizRequired()
	}
	if err := h.Progress.Set(ctx, u.ID, step, true); err != nil {
		return err
	}
	if _, err := h.Certificates.IssueIfComplete(ctx, *u, r.Guide); err != nil {
		return err
	}
	p, err := h.progressOf(c, r)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, p)
}

// Uncomplete answers DELETE /api/v1/guides/{slug}/steps/{n}/completion.
// Undoing is always allowed and keeps a certificate already issued.
func (h *Progress) Uncomplete(c *fiber.Ctx) error {
	_, step, before, err := h.tracked(c)
	if err != nil {
		return err
	}
	if !before.has(step.Position) {
		return c.SendStatus(fiber.StatusNoContent) // not done: nothing to undo
	}
	if err := h.Progress.Set(c.UserContext(), caller(c).ID, step, false); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// tracked loads the step the route names and the caller's progress in
// its guide, and applies an If-Match the caller sent to that progress.
func (h *Progress) tracked(c *fiber.Ctx) (models.GuideRecord, models.Step, GuideProgress, error) {
	r, step, err := trackedStep(c, h.Guides, h.Steps)
	if err != nil {
		return r, step, GuideProgress{}, err
	}
	p, err := h.progressOf(c, r)
	if err != nil {
		return r, step, p, err
	}
	return r, step, p, honourMatch(c, p)
}

// has reports whether step n is done.
func (p GuideProgress) has(n int) bool {
	for _, s := range p.Steps {
		if s.N == n {
			return s.Done
		}
	}
	return false
}
