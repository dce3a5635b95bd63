package models

import (
	"context"
	"fmt"
	"time"

	"stepwise/db"
)

// Progress records which steps each user has completed.
type Progress struct {
	db    *db.DB
	now   func() time.Time
	hooks *Webhooks // progress.step_completed
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
		done, err = p.insert(ctx, userID, step)
		return err
	})
	return done, err
}

// Set marks step complete (done) or not for userID; setting the state it
// already has changes nothing, so a repeated request is harmless.
func (p *Progress) Set(ctx context.Context, userID int64, step Step, done bool) error {
	if done {
		_, err := p.Complete(ctx, userID, step)
		return err
	}
	if _, err := p.db.Exec(ctx, `DELETE FROM progress WHERE user_id = ? AND step_id = ?`, userID, step.ID); err != nil {
		return fmt.Errorf("unset progress: %w", err)
	}
	return nil
}

// Complete marks step done for userID and reports whether it was not
// done before (false: nothing changed). In the caller's transaction, if
// any, so a refusal later in it takes the row back.
func (p *Progress) Complete(ctx context.Context, userID int64, step Step) (added bool, err error) {
	err = p.db.WithTx(ctx, func(ctx context.Context) error {
		added, err = p.insert(ctx, userID, step)
		return err
	})
	return added, err
}

// insert marks step done and, when it was not done before, queues the
// progress.step_completed webhook event in the caller's transaction. It
// reports whether it added the row.
func (p *Progress) insert(ctx context.Context, userID int64, step Step) (bool, error) {
	at := p.now()
	res, err := p.db.Exec(ctx, `
		INSERT INTO progress (user_id, step_id, guide_id, completed_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, step_id) DO NOTHING`, userID, step.ID, step.GuideID, at)
	if err != nil {
		return false, fmt.Errorf("insert progress: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, p.hooks.stepCompleted(ctx, userID, step, at)
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
