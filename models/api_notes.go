package models

import (
	"context"
	"fmt"
)

// NoteRecord is a note as the API lists it: the entry "My notes" shows,
// keyed by its step so a page cursor is stable while notes are written.
type NoteRecord struct {
	StepID int64 `db:"step_id"`
	NoteEntry
}

// After returns up to limit of userID's notes on steps with ids above
// afterStep, in step id order, in one query. A learner has at most one
// note per step, so the step id is a unique, stable key.
func (n *Notes) After(ctx context.Context, userID, afterStep int64, limit int) ([]NoteRecord, error) {
	list := []NoteRecord{}
	err := n.db.Select(ctx, &list, `
		SELECT n.step_id, g.slug AS guide_slug, g.title AS guide_title, s.position, s.title AS step_title, n.body, n.updated_at
		FROM notes n JOIN steps s ON s.id = n.step_id JOIN guides g ON g.id = n.guide_id
		WHERE n.user_id = ? AND n.step_id > ?
		ORDER BY n.step_id
		LIMIT ?`, userID, afterStep, limit)
	if err != nil {
		return nil, fmt.Errorf("notes after: %w", err)
	}
	return list, nil
}
