package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"stepwise/models"
	"stepwise/views/pages"
)

// catalogue reads the home page's filters (tag, difficulty, sort) from the
// query string and loads the page of guides and the tag list: two queries
// whatever the filters. Unknown values are dropped with a notice rather
// than refused, so an old or hand-edited link still shows guides.
func (h *Guides) catalogue(c *fiber.Ctx, uid int64, page int) (pages.HomeData, error) {
	ctx := c.UserContext()
	q, dropped := models.CatalogueQuery{
		Tag:        utils.CopyString(queryValue(c, "tag")),
		Difficulty: utils.CopyString(queryValue(c, "difficulty")),
		Sort:       utils.CopyString(queryValue(c, "sort")),
	}.Clean()
	cards, pg, err := h.Guides.Catalogue(ctx, uid, q, page, guidesPerPage)
	if err != nil {
		return pages.HomeData{}, err
	}
	tags, err := h.Tags.Published(ctx)
	if err != nil {
		return pages.HomeData{}, err
	}
	return pages.HomeData{Guides: cards, Page: pg, Query: q, Tags: tags, Ignored: dropped}, nil
}

// queryValue is the query parameter name, trimmed and bounded: a filter
// value longer than a tag can be is no filter value.
func queryValue(c *fiber.Ctx, name string) string {
	v := strings.TrimSpace(c.Query(name))
	if len(v) > 100 {
		return "\x00" // unknown to every filter, so it is dropped with a notice
	}
	return v
}
