package models

import (
	"context"
	"fmt"
	"strings"

	"stepwise/db"
)

// Catalogue sorts.
const (
	SortOldest   = "oldest"   // first published first (the default)
	SortNewest   = "newest"   // last published first
	SortFollowed = "followed" // most distinct learners first
	// SortID is by id, stable under inserts, so a cursor (After) never
	// skips or repeats a guide: the API's order. Not offered on the page.
	SortID = "id"
)

// Sorts lists the catalogue's sorts, the default first.
var Sorts = []string{SortOldest, SortNewest, SortFollowed}

// CatalogueQuery filters and sorts a list of guides: the home page's
// catalogue and the API's guide list. Zero values mean "any" and the
// default sort.
type CatalogueQuery struct {
	Tag        string
	Difficulty string
	Sort       string
	// AuthorID keeps one owner's guides.
	AuthorID int64
	// Q keeps guides whose title, summary or a step contains its words.
	Q string
	// DraftsOf, when set, lists the drafts this user may edit (every
	// draft for an admin) instead of the published guides.
	DraftsOf *User
	// After, with SortID, keeps the guides with ids above it.
	After int64
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

// Filtered reports whether q narrows the catalogue (a tag or difficulty).
func (q CatalogueQuery) Filtered() bool { return q.Tag != "" || q.Difficulty != "" }

// CatalogueCard is a listed guide: its record, the viewer's progress and
// how many learners follow it.
type CatalogueCard struct {
	GuideRecord
	DoneCount int `db:"done_count"`
	Learners  int `db:"learners"`
}

// Percent is the share of steps the viewer has done, 0–100.
func (c CatalogueCard) Percent() int { return Percent(c.DoneCount, c.StepCount) }

// catalogueOrder maps each sort to its ORDER BY: constants only, chosen
// by a validated key, never text from the request.
var catalogueOrder = map[string]string{
	SortOldest:   ` ORDER BY g.published_at, g.id`,
	SortNewest:   ` ORDER BY g.published_at DESC, g.id DESC`,
	SortFollowed: ` ORDER BY learners DESC, g.published_at DESC, g.id DESC`,
	SortID:       ` ORDER BY g.id`,
}

// Catalogue lists page (1-based, of size guides) of the guides matching
// q, with userID's progress and co-authorship (0 for a visitor), in one
// query whatever the filters: the one list of guides, for the home page
// and the API alike.
func (g *Guides) Catalogue(ctx context.Context, userID int64, q CatalogueQuery, page, size int) ([]CatalogueCard, Page, error) {
	if page < 1 {
		page = 1
	}
	order, ok := catalogueOrder[q.Sort]
	if !ok {
		order = catalogueOrder[SortOldest]
	}
	query := `SELECT ` + guideRecordColumns + `,
		       (SELECT count(*) FROM progress p WHERE p.user_id = ? AND p.guide_id = g.id) AS done_count,
		       COALESCE(gs.learners, 0) AS learners
		FROM guides g LEFT JOIN users u ON u.id = g.author_id LEFT JOIN guide_stats gs ON gs.guide_id = g.id
		WHERE g.id > ?`
	args := []any{userID, userID, q.After}
	switch {
	case q.DraftsOf == nil:
		query += ` AND g.published_at IS NOT NULL`
	case q.DraftsOf.IsAdmin():
		query += ` AND g.published_at IS NULL`
	default:
		query += ` AND g.published_at IS NULL AND (g.author_id = ? OR g.id IN (SELECT guide_id FROM guide_authors WHERE user_id = ?))`
		args = append(args, q.DraftsOf.ID, q.DraftsOf.ID)
	}
	if q.Difficulty != "" {
		query += ` AND g.difficulty = ?`
		args = append(args, q.Difficulty)
	}
	if q.Tag != "" {
		query += ` AND g.id IN (SELECT guide_id FROM guide_tags WHERE tag = ?)`
		args = append(args, q.Tag)
	}
	if q.AuthorID != 0 {
		query += ` AND g.author_id = ?`
		args = append(args, q.AuthorID)
	}
	if q.Q != "" {
		match := MatchQuery(q.Q)
		if match == "" {
			return nil, Page{Number: page, Size: size}, nil // nothing searchable: nothing matches
		}
		if g.db.Dialect() == db.Postgres {
			// The search columns of migration 00007; see Search.
			query += ` AND g.id IN (
				SELECT id FROM guides WHERE search @@ plainto_tsquery('english', ?)
				UNION SELECT guide_id FROM steps WHERE search @@ plainto_tsquery('english', ?))`
			words := strings.ReplaceAll(match, `"`, "")
			args = append(args, words, words)
		} else {
			// Guides are indexed under -id, steps under their id.
			query += ` AND g.id IN (
				SELECT -rowid FROM search_index WHERE search_index MATCH ? AND rowid < 0
				UNION SELECT st.guide_id FROM steps st WHERE st.id IN (
					SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid > 0))`
			args = append(args, match, match)
		}
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
