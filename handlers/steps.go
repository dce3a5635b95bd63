package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// Steps serves step pages and progress on them.
type Steps struct {
	Steps    stepStore
	Progress progressStore
	viewer
}

// stepNumber parses the 1-based :n parameter; anything else is a 404.
func stepNumber(c *fiber.Ctx) (int, error) {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return 0, models.ErrNotFound
	}
	return n, nil
}

// Show is step n of a guide: body, sidebar with check marks, progress,
// previous/next and "Mark complete". Two queries (plus the session's),
// whatever the guide's size.
func (h *Steps) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	guide, step, err := h.Steps.Page(ctx, c.Params("slug"), n)
	if err != nil {
		return err
	}
	var uid int64
	if u := CurrentUser(c); u != nil {
		uid = u.ID
	}
	links, err := h.Steps.Outline(ctx, guide.ID, uid)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.Step(h.page(c, step.Title+" — "+guide.Title, false),
		pages.StepData{Guide: guide, Step: step, Steps: links, Done: doneSet(links)}))
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
