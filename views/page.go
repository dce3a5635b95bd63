// Package views holds Stepwise's templ components: layouts, pages and the
// fragments htmx swaps. This file defines what every page is given.
package views

import (
	"net/url"

	"stepwise/models"
)

// Page is what the layout needs from every full page.
type Page struct {
	Title string
	// User is the signed-in user, nil for a visitor.
	User *models.User
	// CSRF is the session's token, empty when the page has no session.
	CSRF string
	// Path is the request path, used for "log in and come back here".
	Path string
	// Asset maps a file under static/ to its content-hashed URL.
	Asset func(name string) string
}

// SignedIn reports whether a user is signed in.
func (p Page) SignedIn() bool { return p.User != nil }

// NextQuery carries a validated return address from one page to another.
func NextQuery(next string) string {
	if next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(next)
}
