package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"stepwise/db"
)

// StepNumber parses a step's 1-based number as a URL writes it. ok is
// false for anything but a positive number a position column can hold
// (32 bits), so a huge number is "no such step" on either database
// rather than an out-of-range error from PostgreSQL.
func StepNumber(s string) (n int, ok bool) {
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil || v < 1 {
		return 0, false
	}
	return int(v), true
}

// StepLink is a step as a table of contents lists it.
type StepLink struct {
	ID       int64  `db:"id"`
	Position int    `db:"position"`
	Title    string `db:"title"`
	// Done is whether the viewer completed it (Outline only).
	Done bool `db:"done"`
}

// Step is a step with its rendered body.
type Step struct {
	ID       int64  `db:"id"`
	GuideID  int64  `db:"guide_id"`
	Position int    `db:"position"`
	Title    string `db:"title"`
	BodyHTML string `db:"body_html"`
	// HasQuiz is whether the step has checkpoint questions (Page only), so
	// the step page looks up a quiz only when there is one.
	HasQuiz bool `db:"-"`
}

// Steps stores the steps of guides.
type Steps struct{ db *db.DB }

// List returns the guide's steps in order, without bodies.
func (s *Steps) List(ctx context.Context, guideID int64) ([]StepLink, error) {
	var links []StepLink
	err := s.db.Select(ctx, &links, `
		SELECT id, position, title FROM steps WHERE guide_id = ? ORDER BY position`, guideID)
	if err != nil {
		return nil, fmt.Errorf("list steps: %w", err)
	}
	return links, nil
}

// At returns step n (1-based) of the guide.
func (s *Steps) At(ctx context.Context, guideID int64, n int) (Step, error) {
	var step Step
	err := s.db.Get(ctx, &step, `
		SELECT id, guide_id, position, title, body_html
		FROM steps WHERE guide_id = ? AND position = ?`, guideID, n)
	if errors.Is(err, sql.ErrNoRows) {
		return Step{}, ErrNotFound
	}
	if err != nil {
		return Step{}, fmt.Errorf("step at: %w", err)
	}
	return step, nil
}

// Outline returns the guide's steps in order, each marked done when userID
// (0 for a visitor) completed it: the sidebar in one query.
func (s *Steps) Outline(ctx context.Context, guideID, userID int64) ([]StepLink, error) {
	var links []StepLink
	err := s.db.Select(ctx, &links, `
		SELECT s.id, s.position, s.title, p.step_id IS NOT NULL AS done
		FROM steps s
		LEFT JOIN progress p ON p.step_id = s.id AND p.user_id = ?
		WHERE s.guide_id = ?
		ORDER BY s.position`, userID, guideID)
	if err != nil {
		return nil, fmt.Errorf("step outline: %w", err)
	}
	return links, nil
}

// guideStep is the row Page reads: a published guide and one of its steps.
type guideStep struct {
	Guide
	StepID    int64  `db:"step_id"`
	StepPos   int    `db:"step_position"`
	StepTitle string `db:"step_title"`
	StepBody  string `db:"step_body_html"`
	StepQuiz  bool   `db:"step_has_quiz"`
}

// Page returns the published guide with slug and its step n in one query;
// either missing is ErrNotFound.
func (s *Steps) Page(ctx context.Context, slug string, n int) (Guide, Step, error) {
	var row guideStep
	err := s.db.Get(ctx, &row, `
		SELECT g.id, g.slug, g.title, g.summary, g.difficulty, g.minutes, g.intro_html, g.published_at, g.author_id,
		       s.id AS step_id, s.position AS step_position, s.title AS step_title, s.body_html AS step_body_html,
		       EXISTS (SELECT 1 FROM quiz_questions q WHERE q.step_id = s.id) AS step_has_quiz
		FROM guides g JOIN steps s ON s.guide_id = g.id AND s.position = ?
		WHERE g.slug = ? AND g.published_at IS NOT NULL`, n, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return Guide{}, Step{}, ErrNotFound
	}
	if err != nil {
		return Guide{}, Step{}, fmt.Errorf("step page: %w", err)
	}
	step := Step{ID: row.StepID, GuideID: row.ID, Position: row.StepPos, Title: row.StepTitle, BodyHTML: row.StepBody, HasQuiz: row.StepQuiz}
	return row.Guide, step, nil
}
