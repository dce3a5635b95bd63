package pages

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"stepwise/models"
)

// catalogueURL is the home page with q's filters and sort and page n.
func catalogueURL(q models.CatalogueQuery, n int) templ.SafeURL {
	v := url.Values{}
	if q.Tag != "" {
		v.Set("tag", q.Tag)
	}
	if q.Difficulty != "" {
		v.Set("difficulty", q.Difficulty)
	}
	if q.Sort != "" && q.Sort != models.SortOldest {
		v.Set("sort", q.Sort)
	}
	if n > 1 {
		v.Set("page", fmt.Sprint(n))
	}
	if len(v) == 0 {
		return "/"
	}
	return templ.SafeURL("/?" + v.Encode())
}

// tagURL is the catalogue filtered by tag.
func tagURL(tag string) templ.SafeURL {
	return catalogueURL(models.CatalogueQuery{Tag: tag}, 1)
}

// sortLabels name the sorts in the sort menu.
var sortLabels = map[string]string{
	models.SortOldest:   "Oldest first",
	models.SortNewest:   "Newest first",
	models.SortFollowed: "Most followed",
}

func learnersLabel(n int) string {
	if n == 1 {
		return "1 learner"
	}
	return fmt.Sprintf("%d learners", n)
}

func ignoredNotice(fields []string) string {
	return "Ignored an unknown " + strings.Join(fields, ", ") + " in the address; showing the rest."
}

// searchURL is the search page for q at page n.
func searchURL(q string, n int) templ.SafeURL {
	v := url.Values{"q": {q}}
	if n > 1 {
		v.Set("page", fmt.Sprint(n))
	}
	return templ.SafeURL("/search?" + v.Encode())
}

// hitURL links a search result to its step, or to the guide's overview.
func hitURL(h models.SearchHit) templ.SafeURL {
	if h.StepPosition > 0 {
		return templ.SafeURL(fmt.Sprintf("/guides/%s/steps/%d", url.PathEscape(h.GuideSlug), h.StepPosition))
	}
	return templ.SafeURL("/guides/" + url.PathEscape(h.GuideSlug))
}
