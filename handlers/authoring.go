package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// editableStore finds a guide with what the policy needs to decide who may
// edit it.
type editableStore interface {
	ForEditing(ctx context.Context, slug string, userID int64) (models.Editable, error)
}

// authoringStore is what the editor needs from the authoring store.
type authoringStore interface {
	Dashboard(ctx context.Context, u *models.User) ([]models.DashboardGuide, error)
	CreateGuide(ctx context.Context, authorID int64, f models.GuideForm) (int64, error)
	Guide(ctx context.Context, id int64) (models.AuthorGuide, error)
	UpdateGuide(ctx context.Context, g models.AuthorGuide, version int, f models.GuideForm) error
	SetPublished(ctx context.Context, guideID int64, publish bool) error
	Step(ctx context.Context, guideID int64, n int) (models.EditStep, error)
	AddStep(ctx context.Context, guideID int64, title string) (int, error)
	SaveStep(ctx context.Context, stepID int64, version int, f models.StepForm, userID int64, published bool) (int, error)
	AutosaveStep(ctx context.Context, stepID int64, version int, f models.StepForm, userID int64, published bool) (int, error)
	DeleteStep(ctx context.Context, guideID int64, n int) error
	MoveStep(ctx context.Context, guideID int64, n int, up bool) (int, error)
	MoveStepTo(ctx context.Context, guideID int64, n, to int) (int, error)
	Revisions(ctx context.Context, stepID int64) ([]models.Revision, error)
	Revision(ctx context.Context, stepID, id int64) (models.Revision, error)
	CoAuthors(ctx context.Context, guideID int64) ([]models.CoAuthor, error)
	AddCoAuthor(ctx context.Context, guideID int64, email string) error
	RemoveCoAuthor(ctx context.Context, guideID, userID int64) error
}

// stepLister lists a guide's steps.
type stepLister interface {
	List(ctx context.Context, guideID int64) ([]models.StepLink, error)
}

// tagStore keeps a guide's tags.
type tagStore interface {
	Set(ctx context.Context, guideID int64, tags []string) error
	Of(ctx context.Context, guideID int64) ([]string, error)
}

// Authoring serves the editor: an author's dashboard, guide settings,
// steps, revisions and co-authors. Every handler asks the policy first.
type Authoring struct {
	Guides editableStore
	Store  authoringStore
	Steps  stepLister
	Tags   tagStore
	viewer
}

// editing loads the :slug guide and checks that the user may edit it. A
// draft the user may not edit is not found; a published one forbidden.
func (h *Authoring) editing(c *fiber.Ctx) (models.Editable, models.AuthorGuide, error) {
	u := CurrentUser(c)
	if u == nil {
		return models.Editable{}, models.AuthorGuide{}, errForbidden
	}
	ctx := c.UserContext()
	e, err := h.Guides.ForEditing(ctx, c.Params("slug"), u.ID)
	if err != nil {
		return e, models.AuthorGuide{}, err
	}
	if !models.Can(u, models.EditGuide, e) {
		if e.Guide.PublishedAt == nil {
			return e, models.AuthorGuide{}, models.ErrNotFound
		}
		return e, models.AuthorGuide{}, errForbidden
	}
	g, err := h.Store.Guide(ctx, e.Guide.ID)
	return e, g, err
}

// Dashboard lists the user's guides, drafts first.
func (h *Authoring) Dashboard(c *fiber.Ctx) error {
	u := CurrentUser(c)
	list, err := h.Store.Dashboard(c.UserContext(), u)
	if err != nil {
		return err
	}
	canCreate := models.Can(u, models.CreateGuide, nil)
	if !canCreate && len(list) == 0 {
		return errForbidden
	}
	return render(c, fiber.StatusOK, pages.AuthorDashboard(h.page(c, "Your guides", false),
		pages.AuthorDashboardData{Guides: list, CanCreate: canCreate}))
}

// NewGuideForm is the empty new-guide form.
func (h *Authoring) NewGuideForm(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.GuideForm(h.page(c, "New guide", true),
		pages.GuideFormData{New: true, Form: models.GuideForm{Difficulty: "beginner"}}))
}

func guideFormFrom(c *fiber.Ctx) models.GuideForm {
	f := models.GuideForm{
		Title: c.FormValue("title"), Slug: c.FormValue("slug"), Summary: c.FormValue("summary"),
		Difficulty: c.FormValue("difficulty"), Minutes: c.FormValue("minutes"), Tags: c.FormValue("tags"),
		Intro: c.FormValue("intro"),
	}
	f.Normalize()
	return f
}

// parseTags splits the comma-separated tags field and checks the tags
// with the model's rule; a tag that is not usable, or too many, is a
// field error.
func parseTags(f models.GuideForm, fe models.FieldErrors) []string {
	var tags []string
	for _, t := range strings.Split(f.Tags, ",") {
		if strings.TrimSpace(t) != "" {
			tags = append(tags, t)
		}
	}
	clean, msg := models.CheckTags(tags)
	if msg != "" {
		fe.Add("tags", msg)
	}
	return clean
}

// CreateGuide stores a new draft owned by the user and opens its settings.
func (h *Authoring) CreateGuide(c *fiber.Ctx) error {
	if err := allow(c, models.CreateGuide, nil); err != nil {
		return err
	}
	f := guideFormFrom(c)
	fe := f.Validate()
	tags := parseTags(f, fe)
	if !fe.Any() {
		id, err := h.Store.CreateGuide(c.UserContext(), CurrentUser(c).ID, f)
		switch {
		case errors.Is(err, models.ErrConflict):
			fe.Add("slug", "Another guide already has this address. Choose another.")
		case err != nil:
			return err
		default:
			if err := h.Tags.Set(c.UserContext(), id, tags); err != nil {
				return err
			}
			return redirect(c, "/author/guides/"+f.Slug+"?done=created")
		}
	}
	return render(c, fiber.StatusUnprocessableEntity, pages.GuideForm(h.page(c, "New guide", true),
		pages.GuideFormData{New: true, Form: cleanGuideForm(f), Errors: fe}))
}

// settingsData fills the settings page for g.
func (h *Authoring) settingsData(c *fiber.Ctx, e models.Editable, g models.AuthorGuide) (pages.GuideFormData, error) {
	ctx := c.UserContext()
	steps, err := h.Steps.List(ctx, g.ID)
	if err != nil {
		return pages.GuideFormData{}, err
	}
	authors, err := h.Store.CoAuthors(ctx, g.ID)
	if err != nil {
		return pages.GuideFormData{}, err
	}
	tags, err := h.Tags.Of(ctx, g.ID)
	if err != nil {
		return pages.GuideFormData{}, err
	}
	return pages.GuideFormData{
		Guide: g, Version: g.Version, Steps: steps, CoAuthors: authors,
		ManageAuthors: models.Can(CurrentUser(c), models.ManageCoAuthors, e),
		Form: models.GuideForm{Title: g.Title, Slug: g.Slug, Summary: g.Summary, Difficulty: g.Difficulty,
			Minutes: strconv.Itoa(g.Minutes), Tags: strings.Join(tags, ", "), Intro: g.IntroMD},
	}, nil
}

// settingsNotices are the messages after a redirect, by ?done=.
var settingsNotices = map[string]string{
	"created":     "Draft created. Add its steps below, then publish it.",
	"saved":       "Settings saved.",
	"published":   "Published: learners can now find and follow this guide.",
	"unpublished": "Unpublished: the guide is a draft again, visible only to its authors.",
	"deleted":     "Step deleted.",
	"added":       "Co-author added.",
	"removed":     "Co-author removed.",
}

// Settings shows a guide's settings, steps and co-authors.
func (h *Authoring) Settings(c *fiber.Ctx) error {
	e, g, err := h.editing(c)
	if err != nil {
		return err
	}
	d, err := h.settingsData(c, e, g)
	if err != nil {
		return err
	}
	d.Notice = settingsNotices[c.Query("done")]
	return render(c, fiber.StatusOK, pages.GuideForm(h.page(c, g.Title, true), d))
}

// SaveSettings saves a guide's settings. The slug changes only while the
// guide is a draft; a save started from an older version is refused.
func (h *Authoring) SaveSettings(c *fiber.Ctx) error {
	e, g, err := h.editing(c)
	if err != nil {
		return err
	}
	f := guideFormFrom(c)
	fe := f.Validate()
	tags := parseTags(f, fe)
	if g.PublishedAt != nil && f.Slug != g.Slug {
		fe.Add("slug", "A published guide keeps its address, so links to it keep working. Unpublish it to change the address.")
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	status := fiber.StatusUnprocessableEntity
	if !fe.Any() {
		err := h.Store.UpdateGuide(c.UserContext(), g, version, f)
		switch {
		case errors.Is(err, models.ErrConflict):
			fe.Add("slug", "Another guide already has this address. Choose another.")
		case errors.Is(err, models.ErrStale):
			fe.Add("title", "Someone else changed these settings while you were editing. Your values are below; the saved ones are on the reloaded page. Save again to keep yours.")
			status = fiber.StatusConflict
		case err != nil:
			return err
		default:
			if err := h.Tags.Set(c.UserContext(), g.ID, tags); err != nil {
				return err
			}
			return redirect(c, "/author/guides/"+f.Slug+"?done=saved")
		}
	}
	d, err := h.settingsData(c, e, g)
	if err != nil {
		return err
	}
	d.Form, d.Errors = cleanGuideForm(f), fe
	return render(c, status, pages.GuideForm(h.page(c, g.Title, true), d))
}

// Publish makes the guide visible to everyone.
func (h *Authoring) Publish(c *fiber.Ctx) error { return h.setPublished(c, true) }

// Unpublish makes the guide a draft again.
func (h *Authoring) Unpublish(c *fiber.Ctx) error { return h.setPublished(c, false) }

func (h *Authoring) setPublished(c *fiber.Ctx, publish bool) error {
	_, g, err := h.editing(c)
	if err != nil {
		return err
	}
	if err := h.Store.SetPublished(c.UserContext(), g.ID, publish); err != nil {
		return err
	}
	done := "unpublished"
	if publish {
		done = "published"
	}
	return redirect(c, "/author/guides/"+g.Slug+"?done="+done)
}

// cleanGuideForm drops invalid UTF-8 so refused input can be shown again.
func cleanGuideForm(f models.GuideForm) models.GuideForm {
	for _, p := range []*string{&f.Title, &f.Slug, &f.Summary, &f.Difficulty, &f.Minutes, &f.Tags, &f.Intro} {
		*p = sanitizeText(*p)
	}
	return f
}
