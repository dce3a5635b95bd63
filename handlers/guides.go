package handlers

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// guideStore is what guide pages need from the guide store.
type guideStore interface {
	Catalogue(ctx context.Context, userID int64, q models.CatalogueQuery, page, size int) ([]models.CatalogueCard, models.Page, error)
	BySlug(ctx context.Context, slug string) (models.Guide, error)
	ResumePoint(ctx context.Context, userID int64) (models.Resume, error)
}

// stepStore is what guide and step pages need from the step store.
type stepStore interface {
	Page(ctx context.Context, slug string, n int) (models.Guide, models.Step, error)
	Outline(ctx context.Context, guideID, userID int64) ([]models.StepLink, error)
	// CurrentSlug follows a guide's earlier slug (authoring_slugs.go).
	CurrentSlug(ctx context.Context, old string) (string, error)
}

// progressStore is what pages need from the progress store.
type progressStore interface {
	Tally(ctx context.Context, userID, guideID int64) (done, total int, err error)
	Toggle(ctx context.Context, userID int64, step models.Step) (bool, error)
	Set(ctx context.Context, userID int64, step models.Step, done bool) error
}

// guidesPerPage is how many guides the home page lists at once.
const guidesPerPage = 24

// Guides serves the catalogue and guide overviews.
type Guides struct {
	Guides   guideStore
	Steps    stepStore
	Progress progressStore
	// Tags lists the catalogue's tag filter.
	Tags interface {
		Published(ctx context.Context) ([]models.TagCount, error)
	}
	viewer
}

// Index shows the published guides with the user's progress, filtered by
// tag and difficulty and sorted as asked (catalogue.go), and, for a
// signed-in user, where they left off.
func (h *Guides) Index(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var uid int64
	if u := CurrentUser(c); u != nil {
		uid = u.ID
	}
	page := c.QueryInt("page", 1)
	if page < 1 || page > 10000 {
		page = 1
	}
	data, err := h.catalogue(c, uid, page)
	if err != nil {
		return err
	}
	if uid != 0 {
		r, err := h.Guides.ResumePoint(ctx, uid)
		switch {
		case err == nil:
			data.Resume = &r
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
	}
	return render(c, fiber.StatusOK, pages.Home(h.page(c, "Guides", false), data))
}

// Show is a guide's overview with its steps and the user's progress.
func (h *Guides) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	guide, err := h.Guides.BySlug(ctx, c.Params("slug"))
	if err != nil {
		return movedGuide(c, h.Steps, err)
	}
	var uid int64
	if u := CurrentUser(c); u != nil {
		uid = u.ID
	}
	steps, err := h.Steps.Outline(ctx, guide.ID, uid)
	if err != nil {
		return err
	}
	done := doneSet(steps)
	next := 1
	for _, s := range steps {
		if !done[s.ID] {
			next = s.Position
			break
		}
	}
	return render(c, fiber.StatusOK, pages.Guide(h.page(c, guide.Title, false),
		pages.GuideData{Guide: guide, Steps: steps, Done: done, Next: next}))
}
