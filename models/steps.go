package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"stepwise/db"
)

// StepLink is a step as a table of contents lists it.
type StepLink struct {
	ID       int64  `db:"id"`
	Position int    `db:"position"`
	Title    string `db:"title"`
}

// Step is a step with its rendered body.
type Step struct {
	ID       int64  `db:"id"`
	GuideID  int64  `db:"guide_id"`
	Position int    `db:"position"`
	Title    string `db:"title"`
	BodyHTML string `db:"body_html"`
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

// Count returns how many steps the guide has.
func (s *Steps) Count(ctx context.Context, guideID int64) (int, error) {
	var n int
	if err := s.db.Get(ctx, &n, `SELECT count(*) FROM steps WHERE guide_id = ?`, guideID); err != nil {
		return 0, fmt.Errorf("count steps: %w", err)
	}
	return n, nil
}
