package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// Steps serves step pages and progress on them.
type Steps struct {
	Guides   guideStore
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
// previous/next and "Mark complete". It is a fixed number of queries
// whatever the guide's size.
func (h *Steps) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n, err := stepNumber(c)
	if err != nil {
		return err
	}
	guide, err := h.Guides.BySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	step, err := h.Steps.At(ctx, guide.ID, n)
	if err != nil {
		return err
	}
	links, err := h.Steps.List(ctx, guide.ID)
	if err != nil {
		return err
	}
	done := map[int64]bool{}
	if u := CurrentUser(c); u != nil {
		if done, err = h.Progress.Done(ctx, u.ID, guide.ID); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, pages.Step(h.page(c, step.Title+" — "+guide.Title, false),
		pages.StepData{Guide: guide, Step: step, Steps: links, Done: done}))
}
