package handlers

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"stepwise/models"
	"stepwise/views/pages"
)

// searchPerPage is how many results the search page shows at once.
const searchPerPage = 20

// maxSearchLen bounds the query a user may send (in characters).
const maxSearchLen = 200

// Search serves the search page over published guides and steps. It
// depends on models.Searcher only, so another engine can serve it.
type Search struct {
	Searcher models.Searcher
	viewer
}

// Show is GET /search?q=…&page=…: the search box, and the results when
// there is a query.
func (h *Search) Show(c *fiber.Ctx) error {
	q := strings.TrimSpace(utils.CopyString(c.Query("q")))
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "")
	}
	if utf8.RuneCountInString(q) > maxSearchLen {
		q = string([]rune(q)[:maxSearchLen])
	}
	page := c.QueryInt("page", 1)
	if page < 1 || page > 1000 {
		page = 1
	}
	data := pages.SearchData{Query: q, Page: models.Page{Number: page, Size: searchPerPage}}
	if q != "" {
		hits, pg, err := h.Searcher.Search(c.UserContext(), q, page, searchPerPage)
		if err != nil {
			return err
		}
		// The searcher returns published guides only; the policy has the
		// last word all the same.
		u := CurrentUser(c)
		for _, hit := range hits {
			if models.CanReadGuide(u, hit.Guide()) {
				data.Hits = append(data.Hits, hit)
			}
		}
		data.Page = pg
		data.Searchable = models.MatchQuery(q) != ""
	}
	title := "Search"
	if q != "" {
		title = "Search: " + q
	}
	return render(c, fiber.StatusOK, pages.SearchPage(h.page(c, title, false), data))
}
