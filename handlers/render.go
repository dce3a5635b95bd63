package handlers

import (
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"stepwise/views"
)

// viewer builds what every full page needs; handler types embed it.
type viewer struct {
	csrf   *csrfTokens
	assets *Assets
}

// page returns the layout's data for the request. withForm gives the page
// a CSRF token when it holds a form (a visitor's is signed, not stored:
// csrf.go); signed-in users always get one for the logout form.
func (v viewer) page(c *fiber.Ctx, title string, withForm bool) views.Page {
	p := views.Page{
		Title: title,
		User:  CurrentUser(c),
		Path:  string(c.Request().URI().RequestURI()),
		Asset: v.assets.Path,
	}
	if withForm || p.User != nil {
		p.CSRF = v.csrf.token(c)
	}
	return p
}

// isHTMX reports whether htmx sent the request for a partial update (a
// boosted request wants the whole page).
func isHTMX(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") != "true"
}

// render writes comp as the HTML response with status.
func render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-cache, private")
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// redirect sends the browser to a local path: HX-Redirect for htmx (which
// would otherwise follow a 303 inside the swap), 303 See Other otherwise.
func redirect(c *fiber.Ctx, to string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// SafeNext returns next if it is a path on this site, and "" otherwise, so
// "?next=" can never send a user to another origin.
func SafeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	// "//host" and "/\host" are protocol-relative to browsers.
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return ""
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}

// loginReturn is where to come back to after logging in: the current page
// for a GET, and the page a form was posted from (its path minus the
// action) otherwise.
func loginReturn(c *fiber.Ctx) string {
	path := string(c.Request().URI().RequestURI())
	if c.Method() != fiber.MethodGet {
		path = strings.TrimSuffix(c.Path(), "/complete")
	}
	return url.QueryEscape(SafeNext(path))
}
