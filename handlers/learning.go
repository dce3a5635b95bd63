package handlers

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/pages"
)

// notesLister is what "My notes" needs from the notes store.
type notesLister interface {
	List(ctx context.Context, userID int64, page, size int) ([]models.NoteEntry, models.Page, error)
	All(ctx context.Context, userID int64) ([]models.NoteEntry, error)
}

// learningReader is what "My learning" needs.
type learningReader interface {
	Guides(ctx context.Context, userID int64) ([]models.LearningGuide, error)
}

// certificateReader reads certificates.
type certificateReader interface {
	ByCode(ctx context.Context, code string) (models.Certificate, error)
	ForUser(ctx context.Context, userID int64) ([]models.Certificate, error)
}

// notesPerPage is how many notes "My notes" shows at once.
const notesPerPage = 50

// Learning serves the learner's own pages: "My learning", "My notes" and
// their export, and the public certificate pages.
type Learning struct {
	Notes        notesLister
	Learning     learningReader
	Certificates certificateReader
	// BaseURL is where users reach Stepwise, for links in exports and
	// on certificates.
	BaseURL string
	viewer
}

// Show is "My learning": guides in progress with the share done, the last
// activity and a resume link, completed guides, and certificates. Two
// queries whatever the number of guides.
func (h *Learning) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := CurrentUser(c)
	if !models.CanManageAccount(u, u) {
		return errForbidden
	}
	guides, err := h.Learning.Guides(ctx, u.ID)
	if err != nil {
		return err
	}
	certs, err := h.Certificates.ForUser(ctx, u.ID)
	if err != nil {
		return err
	}
	d := pages.LearningData{Certificates: certs}
	for _, g := range guides {
		if g.Completed() {
			d.Completed = append(d.Completed, g)
		} else {
			d.InProgress = append(d.InProgress, g)
		}
	}
	return render(c, fiber.StatusOK, pages.MyLearning(h.page(c, "My learning", false), d))
}

// NotesPage is "My notes": the user's notes grouped by guide, with links back
// to each step, a page at a time.
func (h *Learning) NotesPage(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if !models.CanManageAccount(u, u) {
		return errForbidden
	}
	page := c.QueryInt("page", 1)
	if page < 1 || page > 100000 {
		page = 1
	}
	list, pg, err := h.Notes.List(c.UserContext(), u.ID, page, notesPerPage)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, pages.MyNotes(h.page(c, "My notes", false), pages.NotesData{Notes: list, Page: pg}))
}

// ExportNotes downloads every note as one Markdown file.
func (h *Learning) ExportNotes(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if !models.CanManageAccount(u, u) {
		return errForbidden
	}
	list, err := h.Notes.All(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="stepwise-notes.md"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(models.NotesMarkdown(list, h.base(c)))
}

// Certificate is the public, printable page of a certificate: anyone with
// the code may see it, which is how it is verified. An unknown code is a
// 404.
func (h *Learning) Certificate(c *fiber.Ctx) error {
	code := c.Params("code")
	if len(code) != 32 {
		return models.ErrNotFound
	}
	cert, err := h.Certificates.ByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	d := pages.CertificateData{Certificate: cert, URL: h.base(c) + "/certificates/" + cert.Code}
	return render(c, fiber.StatusOK, pages.CertificatePage(h.page(c, "Certificate: "+cert.GuideTitle, false), d))
}

// base is the site's public address: the configured one, or the one the
// request came to.
func (h *Learning) base(c *fiber.Ctx) string {
	if h.BaseURL != "" {
		return strings.TrimSuffix(h.BaseURL, "/")
	}
	return c.BaseURL()
}
