package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"stepwise/db"
	"stepwise/models/markdown"
)

// ErrStale: a save started from a version that is no longer the current
// one (someone else saved in between).
var ErrStale = errors.New("stale version")

// Authoring stores what authors change in the browser: guides' settings,
// their steps, revisions of published steps and co-authors.
type Authoring struct {
	db    *db.DB
	hooks *Webhooks // guide.published
}

// Difficulties are the levels a guide may have.
var Difficulties = []string{"beginner", "intermediate", "advanced"}

// Authoring limits, in characters (minutes excepted).
const (
	GuideTitleMaxLen   = 120
	GuideSummaryMaxLen = 300
	GuideMinutesMax    = 10000
	StepTitleMaxLen    = 120
	StepBodyMaxLen     = 200000
)

// AuthorGuide is a guide as its editor sees it.
// Its intro is the Markdown source, not the rendered HTML.
type AuthorGuide struct {
	Guide
	IntroMD string `db:"intro_md"`
	Version int    `db:"version"`
}

// DashboardGuide is one row of an author's dashboard.
type DashboardGuide struct {
	ID          int64      `db:"id"`
	Slug        string     `db:"slug"`
	Title       string     `db:"title"`
	PublishedAt *time.Time `db:"published_at"`
	StepCount   int        `db:"step_count"`
	Owner       bool       `db:"owner"`
	CoAuthor    bool       `db:"co_author"`
	// OwnerName is the owner's display name ("" for the built-in guide),
	// for an admin's view of guides that are not theirs.
	OwnerName string `db:"owner_name"`
}

// GuideForm is the guide settings form as submitted.
type GuideForm struct {
	Title      string
	Slug       string
	Summary    string
	Difficulty string
	Minutes    string
	Tags       string
	// Intro is the overview's introduction, Markdown.
	Intro string
}

// MinutesValue is the estimated time as a number (0 when empty).
func (f GuideForm) MinutesValue() int {
	n, _ := strconv.Atoi(strings.TrimSpace(f.Minutes))
	return n
}

// Normalize trims the fields and suggests a slug from the title.
func (f *GuideForm) Normalize() {
	f.Title = strings.TrimSpace(f.Title)
	f.Slug = strings.TrimSpace(f.Slug)
	f.Summary = strings.TrimSpace(f.Summary)
	f.Difficulty = strings.TrimSpace(f.Difficulty)
	f.Minutes = strings.TrimSpace(f.Minutes)
	if f.Slug == "" {
		f.Slug = Slugify(f.Title)
	}
}

// Validate returns a message per field that is not acceptable.
func (f GuideForm) Validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case f.Title == "":
		fe.Add("title", "Give the guide a title.")
	case !cleanText(f.Title) || utf8.RuneCountInString(f.Title) > GuideTitleMaxLen:
		fe.Add("title", "Use at most 120 characters of plain text.")
	}
	switch {
	case f.Slug == "" && f.Title == "":
		// Left empty, the address is made from the title (the form says
		// so): the title's own error is the one thing to fix.
	case f.Slug == "":
		fe.Add("slug", "No address could be made from the title: choose one (letters, digits and hyphens).")
	case len(f.Slug) > SlugMaxLen || Slugify(f.Slug) != f.Slug:
		fe.Add("slug", "Use lower-case letters, digits and single hyphens only, at most 80.")
	case f.Slug == "new":
		fe.Add("slug", "“new” is reserved. Choose another address.")
	}
	if !cleanText(f.Summary) || utf8.RuneCountInString(f.Summary) > GuideSummaryMaxLen {
		fe.Add("summary", "Use at most 300 characters of plain text.")
	}
	ok := false
	for _, d := range Difficulties {
		ok = ok || d == f.Difficulty
	}
	if !ok {
		fe.Add("difficulty", "Choose beginner, intermediate or advanced.")
	}
	if f.Minutes != "" {
		n, err := strconv.Atoi(f.Minutes)
		if err != nil || n < 0 || n > GuideMinutesMax {
			fe.Add("minutes", "Enter a whole number of minutes, 0 to 10000.")
		}
	}
	if !utf8.ValidString(f.Intro) || utf8.RuneCountInString(f.Intro) > StepBodyMaxLen {
		fe.Add("intro", "Use at most 200,000 characters of text.")
	}
	if !utf8.ValidString(f.Tags) || len(f.Tags) > 500 {
		fe.Add("tags", "Use at most 500 characters of comma-separated tags.")
	}
	return fe
}

// cleanText reports whether s is valid UTF-8 without control characters.
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// StepForm is the step editor's form as submitted.
type StepForm struct {
	Title string
	Body  string
}

// Validate returns a message per field that is not acceptable.
func (f StepForm) Validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case strings.TrimSpace(f.Title) == "":
		fe.Add("title", "Give the step a title.")
	case !cleanText(f.Title) || utf8.RuneCountInString(f.Title) > StepTitleMaxLen:
		fe.Add("title", "Use at most 120 characters of plain text.")
	}
	if !utf8.ValidString(f.Body) || utf8.RuneCountInString(f.Body) > StepBodyMaxLen {
		fe.Add("body", "Use at most 200,000 characters of text.")
	}
	return fe
}

// Dashboard lists the guides u owns or co-authors (every guide for an
// admin), drafts first, in one query.
func (a *Authoring) Dashboard(ctx context.Context, u *User) ([]DashboardGuide, error) {
	var list []DashboardGuide
	err := a.db.Select(ctx, &list, `
		SELECT g.id, g.slug, g.title, g.published_at,
		       (SELECT count(*) FROM steps s WHERE s.guide_id = g.id) AS step_count,
		       coalesce(g.author_id = ?, FALSE) AS owner,
		       EXISTS (SELECT 1 FROM guide_authors ga WHERE ga.guide_id = g.id AND ga.user_id = ?) AS co_author,
		       coalesce(o.display_name, '') AS owner_name
		FROM guides g
		LEFT JOIN users o ON o.id = g.author_id
		WHERE ? OR g.author_id = ? OR EXISTS (SELECT 1 FROM guide_authors ga WHERE ga.guide_id = g.id AND ga.user_id = ?)
		ORDER BY g.published_at IS NOT NULL, g.updated_at DESC, g.id
		LIMIT 500`, u.ID, u.ID, u.IsAdmin(), u.ID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("author dashboard: %w", err)
	}
	return list, nil
}

// RenderedGuide is a guide form with its intro rendered by RenderGuide.
// An operation renders before it opens its transaction, so the single
// writer never waits on Markdown. The fields are unexported so the HTML
// is always the form's own rendering.
type RenderedGuide struct {
	form  GuideForm
	intro string
}

// RenderGuide renders f's intro for CreateRenderedGuide and UpdateGuide.
func RenderGuide(f GuideForm) (RenderedGuide, error) {
	intro, err := markdown.Render(f.Intro)
	if err != nil {
		return RenderedGuide{}, err
	}
	return RenderedGuide{form: f, intro: intro}, nil
}

// CreateGuide stores a new draft guide owned by authorID from f (valid),
// rendering its intro first; a taken slug is ErrConflict. Inside a
// transaction use RenderGuide before it and CreateRenderedGuide within it.
func (a *Authoring) CreateGuide(ctx context.Context, authorID int64, f GuideForm) (int64, error) {
	r, err := RenderGuide(f)
	if err != nil {
		return 0, err
	}
	return a.CreateRenderedGuide(ctx, authorID, r)
}

// CreateRenderedGuide is CreateGuide for a form RenderGuide has rendered.
func (a *Authoring) CreateRenderedGuide(ctx context.Context, authorID int64, r RenderedGuide) (int64, error) {
	f := r.form
	return insertGuide(ctx, a.db, NewGuide{Slug: f.Slug, Title: f.Title, Summary: f.Summary, Difficulty: f.Difficulty,
		Minutes: f.MinutesValue(), IntroMD: f.Intro, IntroHTML: r.intro, AuthorID: &authorID})
}

// UpdateGuide saves g's settings from the rendered form r (valid) if g is
// still at version; a changed slug leaves the old one redirecting.
// ErrStale when someone saved in between, ErrConflict when the slug is
// taken. Whether the slug may change is the operation's rule
// (models/authoring).
func (a *Authoring) UpdateGuide(ctx context.Context, g AuthorGuide, version int, r RenderedGuide) error {
	f, intro := r.form, r.intro
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		res, err := a.db.Exec(ctx, `
			UPDATE guides SET slug = ?, title = ?, summary = ?, difficulty = ?, minutes = ?,
			       intro_md = ?, intro_html = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			f.Slug, f.Title, f.Summary, f.Difficulty, f.MinutesValue(), f.Intro, intro, now(), g.ID, version)
		if db.IsUniqueViolation(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStale
		}
		if f.Slug == g.Slug {
			return nil
		}
		if _, err := a.db.Exec(ctx, `DELETE FROM guide_slugs WHERE old_slug = ?`, f.Slug); err != nil {
			return err
		}
		_, err = a.db.Exec(ctx, `
			INSERT INTO guide_slugs (old_slug, guide_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (old_slug) DO UPDATE SET guide_id = excluded.guide_id, created_at = excluded.created_at`,
			g.Slug, g.ID, now())
		return err
	})
	if err != nil && !errors.Is(err, ErrStale) && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("update guide: %w", err)
	}
	return err
}

// SetPublished publishes (now) or unpublishes the guide.
func (a *Authoring) SetPublished(ctx context.Context, guideID int64, publish bool) error {
	var at *time.Time
	if publish {
		t := now()
		at = &t
	}
	return a.db.WithTx(ctx, func(ctx context.Context) error {
		// A draft becoming public is the guide.published event; publishing
		// a published guide again is not.
		var wasDraft bool
		if err := a.db.Get(ctx, &wasDraft, `SELECT published_at IS NULL FROM guides WHERE id = ?`, guideID); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("publish guide: %w", err)
		}
		_, err := a.db.Exec(ctx, `
			UPDATE guides SET published_at = CASE WHEN ? THEN coalesce(published_at, ?) ELSE NULL END,
			       version = version + 1, updated_at = ?
			WHERE id = ?`, publish, at, now(), guideID)
		if err != nil {
			return fmt.Errorf("publish guide: %w", err)
		}
		if publish && wasDraft {
			return a.hooks.guidePublished(ctx, guideID)
		}
		return nil
	})
}

// CurrentSlug returns the slug of the published guide that was called old
// before, or ErrNotFound (a draft's new slug is not revealed).
func (s *Steps) CurrentSlug(ctx context.Context, old string) (string, error) {
	var slug string
	err := s.db.Get(ctx, &slug, `
		SELECT g.slug FROM guide_slugs h JOIN guides g ON g.id = h.guide_id AND g.published_at IS NOT NULL
		WHERE h.old_slug = ?`, old)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("slug history: %w", err)
	}
	return slug, nil
}
