package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/learning"
	"stepwise/views/pages"
)

// Steps serves step pages and what a learner does on them.
type Steps struct {
	Steps stepStore
	// Learning completes steps and keeps notes: the operations the API
	// shares (models/learning).
	Learning *learning.Service
	// Notes reads the learner's note on the step page.
	Notes noteStore
	// Quizzes shows the step's quiz (quizzes.go).
	Quizzes stepQuizzes
	viewer
}

// stepPager loads a published guide with one of its steps.
type stepPager interface {
	Page(ctx context.Context, slug string, n int) (models.Guide, models.Step, error)
}

// stepAt loads the published guide and step that :slug and :n name.
func stepAt(c *fiber.Ctx, steps stepPager) (models.Guide, models.Step, error) {
	n, err := stepNumber(c)
	if err != nil {
		return models.Guide{}, models.Step{}, err
	}
	return steps.Page(c.UserContext(), c.Params("slug"), n)
}

// stepRef is the step :slug and :n name, for learning's operations,
// which find it and decide who may act on it (a :n that is not a
// positive number is not found there).
func stepRef(c *fiber.Ctx) learning.StepRef {
	n, _ := models.StepNumber(c.Params("n"))
	return learning.StepRef{Guide: c.Params("slug"), Step: n}
}

// stepNumber parses the 1-based :n parameter; anything else is a 404.
func stepNumber(c *fiber.Ctx) (int, error) {
	n, ok := models.StepNumber(c.Params("n"))
	if !ok {
		return 0, models.ErrNotFound
	}
	return n, nil
}

// Show is step n of a guide: body, sidebar with check marks, progress,
// previous/next and "Mark complete". Two queries (plus the session's),
// whatever the guide's size.
func (h *Steps) Show(c *fiber.Ctx) error {
	return h.showStep(c, fiber.StatusOK, nil)
}

// keptNote is a note the user sent that was not saved, shown again in
// the step page's form with why, so their text is not lost.
type keptNote struct {
	Body, Error string
}

// showStep renders step n of a guide with status: Show's page, and the
// same page (quiz, certificate, saved time and all) when a plain note
// post is refused, with kept's text and error in the note form instead
// of the stored note.
func (h *Steps) showStep(c *fiber.Ctx, status int, kept *keptNote) error {
	ctx := c.UserContext()
	guide, step, err := stepAt(c, h.Steps)
	if err != nil {
		return movedGuide(c, h.Steps, err)
	}
	var uid int64
	if u := CurrentUser(c); u != nil {
		uid = u.ID
	}
	links, err := h.Steps.Outline(ctx, guide.ID, uid)
	if err != nil {
		return err
	}
	p := h.page(c, step.Title+" — "+guide.Title, false)
	note, err := h.noteState(ctx, p, guide, step)
	if err != nil {
		return err
	}
	if kept != nil {
		note.Body, note.Error = kept.Body, kept.Error
	}
	var quiz models.StepQuiz
	if step.HasQuiz {
		if quiz, err = h.Quizzes.ForStep(ctx, step.ID, uid); err != nil {
			return err
		}
	}
	return render(c, status, pages.Step(p,
		pages.StepData{Guide: guide, Step: step, Steps: links, Done: doneSet(links), Note: note, Quiz: quiz}))
}

// doneSet is the ids of the completed steps in links.
func doneSet(links []models.StepLink) map[int64]bool {
	done := make(map[int64]bool, len(links))
	for _, l := range links {
		if l.Done {
			done[l.ID] = true
		}
	}
	return done
}
