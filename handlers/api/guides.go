package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/models/authoring"
)

// guideStore is what the guide endpoints read: one guide, and the list
// of guides the home page's catalogue also comes from.
type guideStore interface {
	Record(ctx context.Context, slug string, viewer int64) (models.GuideRecord, error)
	Catalogue(ctx context.Context, userID int64, q models.CatalogueQuery, page, size int) ([]models.CatalogueCard, models.Page, error)
}

// Guides serves /api/v1/guides. Every change goes through the authoring
// operations (Ops), which the pages use too.
type Guides struct {
	Ops    *authoring.Service
	Guides guideStore
	Steps  stepLinks
}

// Guide is a guide as the API shows it. IntroMarkdown is only shown to
// the guide's editors, like the settings page.
type Guide struct {
	ID            int64      `json:"id"`
	Slug          string     `json:"slug"`
	Title         string     `json:"title"`
	Summary       string     `json:"summary"`
	Difficulty    string     `json:"difficulty"`
	Minutes       int        `json:"minutes"`
	Tags          []string   `json:"tags"`
	Status        string     `json:"status"`
	PublishedAt   *time.Time `json:"published_at"`
	Author        *Person    `json:"author"`
	StepCount     int        `json:"step_count"`
	IntroHTML     string     `json:"intro_html"`
	IntroMarkdown *string    `json:"intro_markdown,omitempty"`
	Version       int        `json:"version"`
	UpdatedAt     time.Time  `json:"updated_at"`
	URL           string     `json:"url"`
}

// Person is a user as others see them: no email.
type Person struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
}

func guideOf(r models.GuideRecord, u *models.User) Guide {
	g := Guide{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, Difficulty: r.Difficulty,
		Minutes: r.Minutes, Tags: r.Tags(), Status: "draft", PublishedAt: r.PublishedAt,
		StepCount: r.StepCount, IntroHTML: r.IntroHTML, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC(),
		URL: "/guides/" + r.Slug,
	}
	if r.PublishedAt != nil {
		g.Status = "published"
		t := r.PublishedAt.UTC()
		g.PublishedAt = &t
	}
	if r.AuthorID != nil {
		g.Author = &Person{ID: *r.AuthorID, DisplayName: r.AuthorName}
	}
	if models.CanEditGuide(u, r.Editable()) {
		md := r.IntroMD
		g.IntroMarkdown = &md
	}
	return g
}

// List answers GET /api/v1/guides: published guides (or, with
// status=draft, the drafts the caller may edit), filtered by tag,
// difficulty, author and full-text q, in pages.
func (h *Guides) List(c *fiber.Ctx) error {
	after, limit, err := page(c)
	if err != nil {
		return err
	}
	q := models.CatalogueQuery{Tag: c.Query("tag"), Difficulty: c.Query("difficulty"), Q: c.Query("q"), Sort: models.SortID, After: after}
	u := caller(c)
	switch c.Query("status", "published") {
	case "published":
	case "draft":
		q.DraftsOf = u
	default:
		return queryProblem("status", "Use published or draft.")
	}
	if s := c.Query("author"); s != "" {
		id, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil || id < 1 {
			return queryProblem("author", "Use the author's numeric user id.")
		}
		q.AuthorID = id
	}
	if q.Difficulty != "" && !validDifficulty(q.Difficulty) {
		return queryProblem("difficulty", "Use beginner, intermediate or advanced.")
	}
	if len(q.Q) > 200 || len(q.Tag) > 100 {
		return queryProblem("q", "Use at most 200 characters (tags at most 100).")
	}
	cards, pg, err := h.Guides.Catalogue(c.UserContext(), u.ID, q, 1, limit)
	if err != nil {
		return err
	}
	items := make([]Guide, len(cards))
	for i, card := range cards {
		items[i] = guideOf(card.GuideRecord, u)
	}
	return send(c, fiber.StatusOK, pageOf(c, items, pg.HasNext, func(g Guide) int64 { return g.ID }))
}

// Show answers GET /api/v1/guides/{slug}. A draft is 404 to anyone who
// may not edit it, as in the browser.
func (h *Guides) Show(c *fiber.Ctx) error {
	r, err := h.visible(c)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, guideOf(r, caller(c)))
}

// visible loads the guide the route names if the caller may see it.
func (h *Guides) visible(c *fiber.Ctx) (models.GuideRecord, error) {
	u := caller(c)
	r, err := h.Guides.Record(c.UserContext(), c.Params("slug"), u.ID)
	if err != nil {
		return r, err
	}
	if !models.CanReadGuide(u, r.Guide) && !models.CanEditGuide(u, r.Editable()) {
		return r, errNotFound
	}
	return r, nil
}

// editable loads the guide the route names if the caller may edit it
// (authoring.Editable): 404 when they may not even see it, 403 when they
// may only read it.
func (h *Guides) editable(c *fiber.Ctx) (models.GuideRecord, error) {
	return h.Ops.Editable(c.UserContext(), caller(c), c.Params("slug"))
}

func validDifficulty(d string) bool {
	for _, x := range models.Difficulties {
		if x == d {
			return true
		}
	}
	return false
}
