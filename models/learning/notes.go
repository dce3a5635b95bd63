package learning

import (
	"context"
	"errors"
	"strings"
	"time"

	"stepwise/models"
)

// NoteInput is the text of a learner's private note on a step.
type NoteInput struct {
	StepRef
	Body string
	// Check, when set, runs in the transaction with the note as it is
	// (nil when there is none) before it is replaced; its error stops
	// the operation and is returned as it is. The API applies If-Match
	// here, so a note saved in between is never overwritten.
	Check func(t Target, current *models.Note) error
}

// NoteResult is the note as stored.
type NoteResult struct {
	Target
	Note models.Note
	// Created reports whether the learner had no note on the step before.
	Created bool
}

// NoteDeletion removes a learner's note on a step.
type NoteDeletion struct {
	StepRef
	// Check is NoteInput's, with the note about to be removed.
	Check func(t Target, current models.Note) error
}

// NoteDeleted says which note was removed, and when.
type NoteDeleted struct {
	Target
	At time.Time
}

// errNoNote refuses removing a note that is not there.
var errNoNote = models.Refuse(models.RefusedNotFound, CodeNoNote, "You have no note on this step.")

// noteBlank is the message for a note with no text: removing a note is
// its own operation (DeleteNote).
const noteBlank = "Write the note; to remove it, delete it."

// SaveNote stores in.Body as user's private note on the step, replacing
// the one before, in one transaction. A blank body or one NormalizeNote
// rejects is refused as invalid (field "body").
func (s *Service) SaveNote(ctx context.Context, user *models.User, in NoteInput) (NoteResult, error) {
	var out NoteResult
	err := s.db.WithTxFor(ctx, learnerKey(user), func(ctx context.Context) error {
		t, err := s.locate(ctx, user, in.StepRef)
		if err != nil {
			return err
		}
		body, msg := models.NormalizeNote(in.Body)
		if msg == "" && strings.TrimSpace(body) == "" {
			msg = noteBlank
		}
		if msg != "" {
			return models.Invalid(models.FieldErrors{"body": msg})
		}
		current, err := s.m.Notes.Get(ctx, user.ID, t.Step.ID)
		created := errors.Is(err, models.ErrNotFound)
		if err != nil && !created {
			return err
		}
		if in.Check != nil {
			var cur *models.Note
			if !created {
				cur = &current
			}
			if err := in.Check(t, cur); err != nil {
				return err
			}
		}
		if _, err := s.m.Notes.Save(ctx, user.ID, t.Step, body); err != nil {
			return err
		}
		saved, err := s.m.Notes.Get(ctx, user.ID, t.Step.ID)
		out = NoteResult{Target: t, Note: saved, Created: created}
		return err
	})
	if err != nil {
		return NoteResult{}, err
	}
	return out, nil
}

// DeleteNote removes user's note on the step in one transaction; with
// no note there it refuses with no_note.
func (s *Service) DeleteNote(ctx context.Context, user *models.User, in NoteDeletion) (NoteDeleted, error) {
	var out NoteDeleted
	err := s.db.WithTxFor(ctx, learnerKey(user), func(ctx context.Context) error {
		t, err := s.locate(ctx, user, in.StepRef)
		if err != nil {
			return err
		}
		current, err := s.m.Notes.Get(ctx, user.ID, t.Step.ID)
		if errors.Is(err, models.ErrNotFound) {
			return errNoNote
		}
		if err != nil {
			return err
		}
		if in.Check != nil {
			if err := in.Check(t, current); err != nil {
				return err
			}
		}
		// Saving a blank body is how the store removes a note.
		at, err := s.m.Notes.Save(ctx, user.ID, t.Step, "")
		out = NoteDeleted{Target: t, At: at}
		return err
	})
	if err != nil {
		return NoteDeleted{}, err
	}
	return out, nil
}
