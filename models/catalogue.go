package models

import (
	"context"
	"fmt"
	"strings"
)

// Catalogue sorts.
const (
	SortOldest   = "oldest"   // first published first (the default)
	SortNewest   = "newest"   // last published first
	SortFollowed = "followed" // most distinct learners first
)

// Sorts lists the catalogue's sorts, the default first.
var Sorts = []string{SortOldest, SortNewest, SortFollowed}

// CatalogueQuery filters and sorts the catalogue. Zero values mean "any"
// and the default sort.
type CatalogueQuery struct {
	Tag        string
	Difficulty string
	Sort       string
}

// Clean returns q with every value it does not know dropped (an unknown
// sort becomes the default), and the names of the dropped fields, so a
// hand-edited URL shows a list rather than an error.
func (q CatalogueQuery) Clean() (CatalogueQuery, []string) {
	var dropped []string
	if q.Tag != "" && NormalizeTag(q.Tag) == "" {
		q.Tag, dropped = "", append(dropped, "tag")
	}
	q.Tag = NormalizeTag(q.Tag)
	if q.Difficulty != "" && !containsString(Difficulties, q.Difficulty) { // Difficulties: authoring.go
		q.Difficulty, dropped = "", append(dropped, "difficulty")
	}
	if q.Sort != "" && !containsString(Sorts, q.Sort) {
		dropped = append(dropped, "sort")
		q.Sort = ""
	}
	if q.Sort == "" {
		q.Sort = SortOldest
	}
	return q, dropped
}

// CatalogueCard is a catalogue entry: the guide with the viewer's progress,
// how many learners follow it, and its tags.
type CatalogueCard struct {
	GuideCard
	Learners int    `db:"learners"`
	TagList  string `db:"tags"` // separated by U+001F, alphabetical
}

// Tags returns the guide's tags.
func (c CatalogueCard) Tags() []string {
	if c.TagList == "" {
		return nil
	}
	return strings.Split(c.TagList, "\x1f")
}

// catalogueOrder maps each sort to its ORDER BY: constants only, chosen
// by a validated key, never text from the request.
var catalogueOrder = map[string]string{
	SortOldest:   ` ORDER BY g.published_at, g.id`,
	SortNewest:   ` ORDER BY g.published_at DESC, g.id DESC`,
	SortFollowed: ` ORDER BY learners DESC, g.published_at DESC, g.id DESC`,
}

// Catalogue lists page (1-based) of the published guides matching q, with
// userID's progress (0 for a visitor), in one query whatever the filters.
// q must be cleaned (CatalogueQuery.Clean).
func (g *Guides) Catalogue(ctx context.Context, userID int64, q CatalogueQuery, page, size int) ([]CatalogueCard, Page, error) {
	if page < 1 {
		page = 1
	}
	order, ok := catalogueOrder[q.Sort]
	if !ok {
		order = catalogueOrder[SortOldest]
	}
	query := `
		SELECT g.id, g.slug, g.title, g.summary, g.difficulty, g.minutes,
		       (SELECT count(*) FROM steps s WHERE s.guide_id = g.id) AS step_count,
		       (SELECT count(*) FROM progress p WHERE p.user_id = ? AND p.guide_id = g.id) AS done_count,
		       COALESCE(gs.learners, 0) AS learners,
		       COALESCE((SELECT group_concat(t.tag, char(31) ORDER BY t.tag) FROM guide_tags t WHERE t.guide_id = g.id), '') AS tags
		FROM guides g LEFT JOIN guide_stats gs ON gs.guide_id = g.id
		WHERE g.published_at IS NOT NULL`
	args := []any{userID}
	if q.Difficulty != "" {
		query += ` AND g.difficulty = ?`
		args = append(args, q.Difficulty)
	}
	if q.Tag != "" {
		query += ` AND g.id IN (SELECT guide_id FROM guide_tags WHERE tag = ?)`
		args = append(args, q.Tag)
	}
	query += order + ` LIMIT ? OFFSET ?`
	args = append(args, size+1, (page-1)*size)
	var cards []CatalogueCard
	if err := g.db.Select(ctx, &cards, query, args...); err != nil {
		return nil, Page{}, fmt.Errorf("catalogue: %w", err)
	}
	p := Page{Number: page, Size: size}
	if len(cards) > size {
		p.HasNext = true
		cards = cards[:size]
	}
	return cards, p, nil
}

// Filtered reports whether q narrows the catalogue (a tag or difficulty).
func (q CatalogueQuery) Filtered() bool { return q.Tag != "" || q.Difficulty != "" }
