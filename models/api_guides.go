package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// GuideRecord is a guide with everything the editor and the API show
// about it, read in one query: its fields, Markdown intro, version, tags,
// step count, owner's name and whether a given user co-authors it.
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

// Tags returns the guide's tags, sorted. They were joined with commas,
// which no tag holds (NormalizeTag).
func (r GuideRecord) Tags() []string {
	if r.TagList == "" {
		return []string{}
	}
	return strings.Split(r.TagList, ",")
}

// Editable is the record as the guide policy (CanEditGuide) sees it.
func (r GuideRecord) Editable() Editable { return Editable{Guide: r.Guide, CoAuthor: r.CoAuthor} }

// AuthorGuide is the record as the editor's pages show it.
func (r GuideRecord) AuthorGuide() AuthorGuide {
	return AuthorGuide{Guide: r.Guide, IntroMD: r.IntroMD, Version: r.Version}
}

// guideRecordColumns are a GuideRecord's columns; the first placeholder
// is the viewer whose co-authorship co_author says.
const guideRecordColumns = `
	g.id, g.slug, g.title, g.summary, g.difficulty, g.minutes, g.intro_md, g.intro_html,
	g.published_at, g.author_id, g.version, g.created_at, g.updated_at,
	COALESCE(u.display_name, '') AS author_name,
	(SELECT count(*) FROM steps s WHERE s.guide_id = g.id) AS step_count,
	COALESCE((SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM guide_tags t WHERE t.guide_id = g.id), '') AS tags,
	EXISTS (SELECT 1 FROM guide_authors a WHERE a.guide_id = g.id AND a.user_id = ?) AS co_author`

const guideRecordSelect = `SELECT ` + guideRecordColumns + `
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
