package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// learningReader is what "My learning" needs.
type learningReader interface {
	Guides(ctx context.Context, userID int64) ([]models.LearningGuide, error)
}

// learningCertificates reads the caller's certificates.
type learningCertificates interface {
	ForUser(ctx context.Context, userID int64) ([]models.Certificate, error)
}

// Learning serves GET /api/v1/me/learning.
type Learning struct {
	Learning     learningReader
	Certificates learningCertificates
}

// MyLearning is what the browser's "My learning" page shows: the
// published guides the caller has started and their certificates.
type MyLearning struct {
	Guides       []LearningGuide  `json:"guides"`
	Certificates []OwnCertificate `json:"certificates"`
}

// LearningGuide is one guide the caller has completed a step of.
type LearningGuide struct {
	Guide     string `json:"guide"`
	Title     string `json:"title"`
	Done      int    `json:"done"`
	Total     int    `json:"total"`
	Percent   int    `json:"percent"`
	Completed bool   `json:"completed"`
	// NextStep is the first step not done yet; null when every one is.
	NextStep       *int      `json:"next_step"`
	LastActivity   time.Time `json:"last_activity"`
	CertificateURL *string   `json:"certificate_url"`
	URL            string    `json:"url"`
}

// OwnCertificate is one of the caller's certificates of completion.
// Guide is null when the guide has been deleted since; the title is as it
// was when issued.
type OwnCertificate struct {
	Code       string    `json:"code"`
	Guide      *string   `json:"guide"`
	GuideTitle string    `json:"guide_title"`
	Name       string    `json:"name"`
	IssuedAt   time.Time `json:"issued_at"`
	URL        string    `json:"url"`
}

func learningGuideOf(g models.LearningGuide) LearningGuide {
	out := LearningGuide{Guide: g.Slug, Title: g.Title, Done: g.Done, Total: g.Total, Percent: g.Percent(),
		Completed: g.Completed(), LastActivity: g.LastActivity(), URL: "/guides/" + g.Slug}
	if g.Next > 0 {
		next := g.Next
		out.NextStep = &next
	}
	if g.Certificate != "" {
		url := certificatePage(g.Certificate)
		out.CertificateURL = &url
	}
	return out
}

func ownCertificateOf(c models.Certificate) OwnCertificate {
	return OwnCertificate{Code: c.Code, Guide: c.GuideSlug, GuideTitle: c.GuideTitle, Name: c.Name,
		IssuedAt: c.IssuedAt.UTC(), URL: certificatePage(c.Code)}
}

// Show answers GET /api/v1/me/learning: two queries whatever the number
// of guides, as the page.
func (h *Learning) Show(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := caller(c)
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
	out := MyLearning{Guides: make([]LearningGuide, len(guides)), Certificates: make([]OwnCertificate, len(certs))}
	for i, g := range guides {
		out.Guides[i] = learningGuideOf(g)
	}
	for i, cert := range certs {
		out.Certificates[i] = ownCertificateOf(cert)
	}
	return send(c, fiber.StatusOK, out)
}
