package models

import (
	"context"
	"fmt"
	"time"

	"stepwise/db"
)

// Progress records which steps each user has completed.
type Progress struct {
	db  *db.DB
	now func() time.Time
}

// Done returns the set of step ids userID has completed in the guide.
func (p *Progress) Done(ctx context.Context, userID, guideID int64) (map[int64]bool, error) {
	var ids []int64
	err := p.db.Select(ctx, &ids, `
		SELECT step_id FROM progress WHERE user_id = ? AND guide_id = ?`, userID, guideID)
	if err != nil {
		return nil, fmt.Errorf("done steps: %w", err)
	}
	done := make(map[int64]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	return done, nil
}

// Count returns how many of the guide's steps userID has completed.
func (p *Progress) Count(ctx context.Context, userID, guideID int64) (int, error) {
	var n int
	err := p.db.Get(ctx, &n, `
		SELECT count(*) FROM progress WHERE user_id = ? AND guide_id = ?`, userID, guideID)
	if err != nil {
		return 0, fmt.Errorf("count progress: %w", err)
	}
	return n, nil
}

// Toggle flips whether userID has completed step and returns the new state.
// It runs in one transaction on the single writer, so concurrent toggles
// are applied one after another and never leave a duplicate row.
func (p *Progress) Toggle(ctx context.Context, userID int64, step Step) (done bool, err error) {
	err = p.db.WithTx(ctx, func(ctx context.Context) error {
		res, err := p.db.Exec(ctx, `DELETE FROM progress WHERE user_id = ? AND step_id = ?`, userID, step.ID)
		if err != nil {
			return fmt.Errorf("toggle progress: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			done = false
			return nil
		}
		done = true
		return p.insert(ctx, userID, step)
	})
	return done, err
}

// Set marks step complete (done) or not for userID; setting the state it
// already has changes nothing, so a repeated request is harmless.
func (p *Progress) Set(ctx context.Context, userID int64, step Step, done bool) error {
	if done {
		return p.insert(ctx, userID, step)
	}
	if _, err := p.db.Exec(ctx, `DELETE FROM progress WHERE user_id = ? AND step_id = ?`, userID, step.ID); err != nil {
		return fmt.Errorf("unset progress: %w", err)
	}
	return nil
}

func (p *Progress) insert(ctx context.Context, userID int64, step Step) error {
	_, err := p.db.Exec(ctx, `
		INSERT INTO progress (user_id, step_id, guide_id, completed_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, step_id) DO NOTHING`, userID, step.ID, step.GuideID, p.now())
	if err != nil {
		return fmt.Errorf("insert progress: %w", err)
	}
	return nil
}

// Tally returns how many of the guide's steps userID completed and how many
// steps it has, in one query.
func (p *Progress) Tally(ctx context.Context, userID, guideID int64) (done, total int, err error) {
	var row struct {
		Done  int `db:"done"`
		Total int `db:"total"`
	}
	err = p.db.Get(ctx, &row, `
		SELECT count(p.step_id) AS done, count(*) AS total
		FROM steps s LEFT JOIN progress p ON p.step_id = s.id AND p.user_id = ?
		WHERE s.guide_id = ?`, userID, guideID)
	if err != nil {
		return 0, 0, fmt.Errorf("tally progress: %w", err)
	}
	return row.Done, row.Total, nil
}
