package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/handlers/refusal"
	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/views/pages"
)

// authoringReader is what the editor's pages read from the authoring
// store; every change goes through the authoring operations.
type authoringReader interface {
	Dashboard(ctx context.Context, u *models.User) ([]models.DashboardGuide, error)
	Revisions(ctx context.Context, stepID int64) ([]models.Revision, error)
	Revision(ctx context.Context, stepID, id int64) (models.Revision, error)
	CoAuthors(ctx context.Context, guideID int64) ([]models.CoAuthor, error)
}

// stepLister lists a guide's steps.
type stepLister interface {
	List(ctx context.Context, guideID int64) ([]models.StepLink, error)
}

// Authoring serves the editor: an author's dashboard, guide settings,
// steps, revisions and co-authors. Each page loads its guide through the
// authoring operations, which decide who may edit it, and makes its
// change through one of them.
type Authoring struct {
	Ops   *authoring.Service
	Store authoringReader
	Steps stepLister
	viewer
}

// editing loads the :slug guide for the signed-in user to edit: a draft
// they may not edit is not found, a published one forbidden.
func (h *Authoring) editing(c *fiber.Ctx) (models.GuideRecord, error) {
	return h.Ops.Editable(c.UserContext(), CurrentUser(c), c.Params("slug"))
}

// editorRefusal is how an editor's form shows an operation's refusal: the
// status refusal.Status gives its kind and a message per field (its
// reason under field when it names none). ok is false for a refusal the
// form does not show (not found, forbidden), or another error: return it.
func editorRefusal(err error, field string) (status int, fe models.FieldErrors, ok bool) {
	r, isRefusal := models.AsRefusal(err)
	if !isRefusal || r.Kind == models.RefusedNotFound || r.Kind == models.RefusedForbidden {
		return 0, nil, false
	}
	fe = models.FieldErrors{}
	for k, v := range r.Fields {
		fe.Add(k, v)
	}
	if !fe.Any() {
		fe.Add(field, r.Reason)
	}
	return refusal.Status(r.Kind), fe, true
}

// Dashboard lists the user's guides, drafts first.
func (h *Authoring) Dashboard(c *fiber.Ctx) error {
	u := CurrentUser(c)
	list, err := h.Store.Dashboard(c.UserContext(), u)
	if err != nil {
		return err
	}
	canCreate := models.CanCreateGuide(u)
	if !canCreate && len(list) == 0 {
		return errForbidden
	}
	return render(c, fiber.StatusOK, pages.AuthorDashboard(h.page(c, "Your guides", false),
		pages.AuthorDashboardData{Guides: list, CanCreate: canCreate}))
}

// NewGuideForm is the empty new-guide form.
func (h *Authoring) NewGuideForm(c *fiber.Ctx) error {
	if !models.CanCreateGuide(CurrentUser(c)) {
		return errForbidden
	}
	return render(c, fiber.StatusOK, pages.GuideForm(h.page(c, "New guide", true),
		pages.GuideFormData{New: true, Form: models.GuideForm{Difficulty: "beginner"}}))
}

// guideInput reads the settings form: the comma-separated tags field
// becomes the list the operation checks.
func guideInput(c *fiber.Ctx) authoring.GuideInput {
	f := models.GuideForm{
		Title: c.FormValue("title"), Slug: c.FormValue("slug"), Summary: c.FormValue("summary"),
		Difficulty: c.FormValue("difficulty"), Minutes: c.FormValue("minutes"), Tags: c.FormValue("tags"),
		Intro: c.FormValue("intro"),
	}
	var tags []string
	for _, t := range strings.Split(f.Tags, ",") {
		if strings.TrimSpace(t) != "" {
			tags = append(tags, t)
		}
	}
	f.Normalize()
	return authoring.GuideInput{Form: f, Tags: tags}
}

// CreateGuide stores a new draft owned by the user and opens its settings.
func (h *Authoring) CreateGuide(c *fiber.Ctx) error {
	if !models.CanCreateGuide(CurrentUser(c)) {
		return errForbidden
	}
	in := guideInput(c)
	r, err := h.Ops.CreateGuide(c.UserContext(), CurrentUser(c), in)
	if err == nil {
		return redirect(c, "/author/guides/"+r.Slug+"?done=created")
	}
	status, fe, ok := editorRefusal(err, "title")
	if !ok {
		return err
	}
	return render(c, status, pages.GuideForm(h.page(c, "New guide", true),
		pages.GuideFormData{New: true, Form: cleanGuideForm(in.Form), Errors: fe}))
}

// settingsData fills the settings page for r.
func (h *Authoring) settingsData(c *fiber.Ctx, r models.GuideRecord) (pages.GuideFormData, error) {
	ctx := c.UserContext()
	steps, err := h.Steps.List(ctx, r.ID)
	if err != nil {
		return pages.GuideFormData{}, err
	}
	authors, err := h.Store.CoAuthors(ctx, r.ID)
	if err != nil {
		return pages.GuideFormData{}, err
	}
	return pages.GuideFormData{
		Guide: r.AuthorGuide(), Version: r.Version, Steps: steps, CoAuthors: authors,
		ManageAuthors: models.CanManageCoAuthors(CurrentUser(c), r.Editable()),
		Form: models.GuideForm{Title: r.Title, Slug: r.Slug, Summary: r.Summary, Difficulty: r.Difficulty,
			Minutes: strconv.Itoa(r.Minutes), Tags: strings.Join(r.Tags(), ", "), Intro: r.IntroMD},
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
	r, err := h.editing(c)
	if err != nil {
		return err
	}
	d, err := h.settingsData(c, r)
	if err != nil {
		return err
	}
	d.Notice = settingsNotices[c.Query("done")]
	return render(c, fiber.StatusOK, pages.GuideForm(h.page(c, r.Title, true), d))
}

// SaveSettings saves a guide's settings (authoring.UpdateGuide: the slug
// changes only while the guide is a draft; a save started from an older
// version is refused). A refusal shows the form again with the values
// sent.
func (h *Authoring) SaveSettings(c *fiber.Ctx) error {
	in := guideInput(c)
	version, _ := strconv.Atoi(c.FormValue("version"))
	saved, err := h.Ops.UpdateGuide(c.UserContext(), CurrentUser(c), c.Params("slug"), version, in)
	if err == nil {
		return redirect(c, "/author/guides/"+saved.Slug+"?done=saved")
	}
	return h.settingsRefused(c, err, "title", func(d *pages.GuideFormData, fe models.FieldErrors) {
		d.Form, d.Errors = cleanGuideForm(in.Form), fe
	})
}

// settingsRefused shows the settings page again after an operation
// refused err, with keep putting back what the user sent and the field
// errors (a refusal without fields lands on field); a refusal the form
// cannot show goes to the error page.
func (h *Authoring) settingsRefused(c *fiber.Ctx, err error, field string, keep func(*pages.GuideFormData, models.FieldErrors)) error {
	status, fe, ok := editorRefusal(err, field)
	if !ok {
		return err
	}
	r, err := h.editing(c)
	if err != nil {
		return err
	}
	d, err := h.settingsData(c, r)
	if err != nil {
		return err
	}
	keep(&d, fe)
	return render(c, status, pages.GuideForm(h.page(c, r.Title, true), d))
}

// Publish makes the guide visible to everyone.
func (h *Authoring) Publish(c *fiber.Ctx) error { return h.setPublished(c, true) }

// Unpublish makes the guide a draft again.
func (h *Authoring) Unpublish(c *fiber.Ctx) error { return h.setPublished(c, false) }

func (h *Authoring) setPublished(c *fiber.Ctx, publish bool) error {
	r, err := h.Ops.SetPublished(c.UserContext(), CurrentUser(c), c.Params("slug"), publish)
	if err != nil {
		return err
	}
	done := "unpublished"
	if publish {
		done = "published"
	}
	return redirect(c, "/author/guides/"+r.Slug+"?done="+done)
}

// cleanGuideForm drops invalid UTF-8 so refused input can be shown again.
func cleanGuideForm(f models.GuideForm) models.GuideForm {
	for _, p := range []*string{&f.Title, &f.Slug, &f.Summary, &f.Difficulty, &f.Minutes, &f.Tags, &f.Intro} {
		*p = sanitizeText(*p)
	}
	return f
}
