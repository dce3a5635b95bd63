package handlers

import (
	"github.com/gofiber/fiber/v2"

	"stepwise/views/components"
)

// announceCertificate adds to an htmx response, out of band, the notice
// that a certificate was just issued (nothing when code is "").
func announceCertificate(c *fiber.Ctx, code string) error {
	if code == "" {
		return nil
	}
	return components.CertificateNotice(code, true).Render(c.UserContext(), c.Response().BodyWriter())
}
