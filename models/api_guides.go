package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// GuideRecord is a guide with everything the API shows about it, read in
// one query: its fields, Markdown intro, version, tags, step count, owner's
// name and whether a given user co-authors it.
type GuideRecord struct {
	Guide
	IntroMD    string    `db:"intro_md"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
	AuthorName string    `db:"author_name"`
	StepCount  int       `db:"step_count"`
	TagList    string    `db:"tags"`
	CoAuthor   bool      `db:"co_author"`
}

// Tags returns the guide's tags, sorted.
func (r GuideRecord) Tags() []string {
	if r.TagList == "" {
		return []string{}
	}
	return strings.Split(r.TagList, "\x1f")
}

// Editable is the record as the policy's EditGuide sees it.
func (r GuideRecord) Editable() Editable { return Editable{Guide: r.Guide, CoAuthor: r.CoAuthor} }

// GuideFilter narrows a guide list. Drafts lists unpublished guides the
// viewer may edit instead of published ones.
type GuideFilter struct {
	Tag        string
	Difficulty string
	AuthorID   int64
	// Q keeps guides whose title, summary or a step contains its words.
	Q      string
	Drafts bool
}

const guideRecordSelect = `
	SELECT g.id, g.slug, g.title, g.summary, g.difficulty, g.minutes, g.intro_md, g.intro_html,
	       g.published_at, g.author_id, g.version, g.created_at, g.updated_at,
	       COALESCE(u.display_name, '') AS author_name,
	       (SELECT count(*) FROM steps s WHERE s.guide_id = g.id) AS step_count,
	       COALESCE((SELECT group_concat(t.tag, char(31) ORDER BY t.tag) FROM guide_tags t WHERE t.guide_id = g.id), '') AS tags,
	       EXISTS (SELECT 1 FROM guide_authors a WHERE a.guide_id = g.id AND a.user_id = ?) AS co_author
	FROM guides g LEFT JOIN users u ON u.id = g.author_id`

// Record returns the guide with slug as viewer (0 for nobody) sees it;
// whether viewer may see it is the policy's question.
func (g *Guides) Record(ctx context.Context, slug string, viewer int64) (GuideRecord, error) {
	var r GuideRecord
	err := g.db.Get(ctx, &r, guideRecordSelect+` WHERE g.slug = ?`, viewer, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("guide record: %w", err)
	}
	return r, nil
}

// Records lists up to limit guides with ids above after, in id order
// (stable under inserts, so a cursor never skips or repeats one), in one
// query. Without f.Drafts it lists published guides; with it, the drafts
// viewer may edit (every draft for an admin).
func (g *Guides) Records(ctx context.Context, viewer *User, f GuideFilter, after int64, limit int) ([]GuideRecord, error) {
	var uid int64
	if viewer != nil {
		uid = viewer.ID
	}
	query := guideRecordSelect + ` WHERE g.id > ?`
	args := []any{uid, after}
	switch {
	case !f.Drafts:
		query += ` AND g.published_at IS NOT NULL`
	case viewer.IsAdmin():
		query += ` AND g.published_at IS NULL`
	default:
		query += ` AND g.published_at IS NULL AND (g.author_id = ? OR g.id IN (SELECT guide_id FROM guide_authors WHERE user_id = ?))`
		args = append(args, uid, uid)
	}
	if f.Difficulty != "" {
		query += ` AND g.difficulty = ?`
		args = append(args, f.Difficulty)
	}
	if f.Tag != "" {
		query += ` AND g.id IN (SELECT guide_id FROM guide_tags WHERE tag = ?)`
		args = append(args, f.Tag)
	}
	if f.AuthorID != 0 {
		query += ` AND g.author_id = ?`
		args = append(args, f.AuthorID)
	}
	if f.Q != "" {
		match := MatchQuery(f.Q)
		if match == "" {
			return nil, nil // nothing searchable: nothing matches
		}
		// Guides are indexed under -id, steps under their id.
		query += ` AND g.id IN (
			SELECT -rowid FROM search_index WHERE search_index MATCH ? AND rowid < 0
			UNION SELECT st.guide_id FROM steps st WHERE st.id IN (
				SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid > 0))`
		args = append(args, match, match)
	}
	query += ` ORDER BY g.id LIMIT ?`
	args = append(args, limit)
	var list []GuideRecord
	if err := g.db.Select(ctx, &list, query, args...); err != nil {
		return nil, fmt.Errorf("guide records: %w", err)
	}
	return list, nil
}
