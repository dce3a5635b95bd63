package handlers

import "github.com/gofiber/fiber/v2"

// contentSecurityPolicy allows only the app's own scripts and styles (no
// inline script or style, no eval), no plugins, and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// permissionsPolicy switches off the powerful browser features Stepwise
// never uses, for itself and anything it might embed, so a script that
// slipped in could not reach them either. publickey-credentials-* are left
// alone: security keys and passkeys may sign users in.
const permissionsPolicy = "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), " +
	"display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), " +
	"idle-detection=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), payment=(), " +
	"picture-in-picture=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"

// strictTransportSecurity tells browsers to use only HTTPS for two years,
// subdomains included.
const strictTransportSecurity = "max-age=63072000; includeSubDomains"

// securityHeaders sets the headers every response carries.
func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders sets them on c's response.
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Permissions-Policy", permissionsPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// HSTS only when this request came over HTTPS (directly, or as a
	// trusted proxy says): browsers ignore it on plain HTTP, and a server
	// reached only over HTTP (development, or a proxy not yet trusted)
	// should not claim an HTTPS policy it cannot keep.
	if c.Secure() {
		h.Set("Strict-Transport-Security", strictTransportSecurity)
	}
}
