package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
)

// certificateLookup finds a certificate by its code.
type certificateLookup interface {
	ByCode(ctx context.Context, code string) (models.Certificate, error)
}

// Certificates serves GET /api/v1/certificates/{code}: what the public
// certificate page shows, so an HR system can verify a certificate a
// learner hands in. Any token may ask, as anyone may open the page; the
// code (128 random bits) is the secret, and the caller's own
// certificates are listed in GET /api/v1/me/learning.
type Certificates struct {
	Certificates certificateLookup
}

// Certificate is what the public certificate page shows: who finished
// which guide, and when. Guide is null when the guide has been deleted
// since; the title and name are as they were when it was issued.
type Certificate struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Guide      *string   `json:"guide"`
	GuideTitle string    `json:"guide_title"`
	IssuedAt   time.Time `json:"issued_at"`
	URL        string    `json:"url"`
}

func certificateOf(c models.Certificate) Certificate {
	return Certificate{Code: c.Code, Name: c.Name, Guide: c.GuideSlug, GuideTitle: c.GuideTitle,
		IssuedAt: c.IssuedAt.UTC(), URL: "/certificates/" + c.Code}
}

// Show answers GET /api/v1/certificates/{code}.
func (h *Certificates) Show(c *fiber.Ctx) error {
	code := c.Params("code")
	if len(code) != 32 {
		return errNotFound
	}
	cert, err := h.Certificates.ByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, certificateOf(cert))
}
