package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"stepwise/models"
	"stepwise/views/components"
)

// certificateIssuer issues a certificate when a guide is finished.
type certificateIssuer interface {
	IssueIfComplete(ctx context.Context, user models.User, guide models.Guide) (string, error)
}

// certify issues user's certificate for guide if they have now completed
// every step (and so passed every required quiz, which completion needs),
// and returns its code ("" when none was issued now). It is idempotent;
// un-completing a step later keeps the certificate.
func (h *Steps) certify(ctx context.Context, user *models.User, guide models.Guide) (string, error) {
	if h.Certificates == nil || user == nil {
		return "", nil
	}
	return h.Certificates.IssueIfComplete(ctx, *user, guide)
}

// announceCertificate adds to an htmx response, out of band, the notice
// that a certificate was just issued (nothing when code is "").
func announceCertificate(c *fiber.Ctx, code string) error {
	if code == "" {
		return nil
	}
	return components.CertificateNotice(code, true).Render(c.UserContext(), c.Response().BodyWriter())
}
