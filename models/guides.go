package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Guide is a guide's own fields.
type Guide struct {
	ID          int64      `db:"id"`
	Slug        string     `db:"slug"`
	Title       string     `db:"title"`
	Summary     string     `db:"summary"`
	Difficulty  string     `db:"difficulty"`
	Minutes     int        `db:"minutes"`
	IntroHTML   string     `db:"intro_html"`
	PublishedAt *time.Time `db:"published_at"`
	// AuthorID is the guide's owner; nil for the built-in guide and for a
	// guide whose author deleted their account ("former member").
	AuthorID *int64 `db:"author_id"`
}

// Percent is the share done of total, 0–100, rounded down as every page
// shows it.
func Percent(done, total int) int {
	if total <= 0 {
		return 0
	}
	return done * 100 / total
}

// Guides stores guides.
type Guides struct{ db *db.DB }

// Page is one page of a list.
type Page struct {
	Number  int // 1-based
	Size    int
	HasNext bool
}

// BySlug returns the published guide with slug.
func (g *Guides) BySlug(ctx context.Context, slug string) (Guide, error) {
	var guide Guide
	err := g.db.Get(ctx, &guide, `
		SELECT id, slug, title, summary, difficulty, minutes, intro_html, published_at, author_id
		FROM guides WHERE slug = ? AND published_at IS NOT NULL`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return Guide{}, ErrNotFound
	}
	if err != nil {
		return Guide{}, fmt.Errorf("guide by slug: %w", err)
	}
	return guide, nil
}

// Resume is where a learner left off: the guide most recently worked on
// that is not finished, and its first incomplete step.
type Resume struct {
	GuideSlug  string `db:"slug"`
	GuideTitle string `db:"title"`
	Position   int    `db:"position"`
	StepTitle  string `db:"step_title"`
}

// ResumePoint returns where userID left off, or ErrNotFound when there is
// no guide in progress.
func (g *Guides) ResumePoint(ctx context.Context, userID int64) (Resume, error) {
	var r Resume
	// The most recently active guide that still has an incomplete step, and
	// that step. Both lookups ride the (user_id, guide_id, completed_at) and
	// (guide_id, position) indexes.
	err := g.db.Get(ctx, &r, `
		SELECT g.slug, g.title, s.position, s.title AS step_title
		FROM (SELECT guide_id, max(completed_at) AS last
		      FROM progress WHERE user_id = ? GROUP BY guide_id) a
		JOIN guides g ON g.id = a.guide_id AND g.published_at IS NOT NULL
		JOIN steps s ON s.guide_id = g.id
		WHERE NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = ? AND p.step_id = s.id)
		ORDER BY a.last DESC, s.position
		LIMIT 1`, userID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Resume{}, ErrNotFound
	}
	if err != nil {
		return Resume{}, fmt.Errorf("resume point: %w", err)
	}
	return r, nil
}

// Editable is a guide with whether a given user co-authors it: what the
// policy (CanEditGuide, CanManageCoAuthors, CanDeleteGuide) needs to
// decide who may edit it.
type Editable struct {
	Guide    Guide
	CoAuthor bool
}

// NewGuide is a guide row to insert: what an author types, an archive
// holds or a built-in folder says, with its Markdown intro rendered.
type NewGuide struct {
	Slug, Title, Summary, Difficulty string
	Minutes                          int
	IntroMD, IntroHTML               string
	// AuthorID is the owner; nil for a built-in or demo guide.
	AuthorID *int64
	// PublishedAt is nil for a draft.
	PublishedAt *time.Time
}

// Insert stores g as a new guide and returns its id: the one INSERT INTO
// guides, used by the editor, archive imports and the built-in and demo
// loaders. A taken slug is ErrConflict. The new guide takes its address
// over from an old slug's redirect.
func (g *Guides) Insert(ctx context.Context, ng NewGuide) (int64, error) {
	return insertGuide(ctx, g.db, ng)
}

func insertGuide(ctx context.Context, d *db.DB, ng NewGuide) (int64, error) {
	var id int64
	err := d.WithTx(ctx, func(ctx context.Context) error {
		t := now()
		err := d.GetWrite(ctx, &id, `
			INSERT INTO guides (slug, title, summary, difficulty, minutes, intro_md, intro_html, author_id, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ng.Slug, ng.Title, ng.Summary, ng.Difficulty, ng.Minutes, ng.IntroMD, ng.IntroHTML, ng.AuthorID, ng.PublishedAt, t, t)
		if db.IsUniqueViolation(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		_, err = d.Exec(ctx, `DELETE FROM guide_slugs WHERE old_slug = ?`, ng.Slug)
		return err
	})
	if err != nil && !errors.Is(err, ErrConflict) {
		return 0, fmt.Errorf("insert guide: %w", err)
	}
	return id, err
}
