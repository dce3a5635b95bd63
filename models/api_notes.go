package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// Replace stores body (non-blank, passed through NormalizeNote) as
// userID's note on step, in one transaction with check, which sees the
// note as it is (nil when there is none) and may refuse the change: so a
// conditional write cannot overwrite a note saved between the check and
// the write. It returns the note as stored and whether it is new.
func (n *Notes) Replace(ctx context.Context, userID int64, step Step, body string, check func(current *Note) error) (Note, bool, error) {
	if strings.TrimSpace(body) == "" {
		return Note{}, false, errors.New("replace note: blank body")
	}
	var saved Note
	created := false
	err := n.db.WithTx(ctx, func(ctx context.Context) error {
		current, err := n.Get(ctx, userID, step.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			created = true
			err = check(nil)
		case err == nil:
			err = check(&current)
		}
		if err != nil {
			return err
		}
		if _, err := n.Save(ctx, userID, step, body); err != nil {
			return err
		}
		saved, err = n.Get(ctx, userID, step.ID)
		return err
	})
	return saved, created, err
}

// Remove deletes userID's note on step in one transaction with check,
// which sees the note and may refuse; no note is ErrNotFound.
func (n *Notes) Remove(ctx context.Context, userID int64, step Step, check func(current Note) error) error {
	return n.db.WithTx(ctx, func(ctx context.Context) error {
		current, err := n.Get(ctx, userID, step.ID)
		if err != nil {
			return err
		}
		if err := check(current); err != nil {
			return err
		}
		_, err = n.Save(ctx, userID, step, "")
		return err
	})
}
