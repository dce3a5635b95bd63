package pages

import "net/url"

// nextQuery carries a validated return address from one auth page to the
// other.
func nextQuery(next string) string {
	if next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(next)
}
