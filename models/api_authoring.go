package models

import (
	"context"
	"errors"
	"fmt"
)

// The API changes a guide or step in one request where the browser takes
// two (settings then tags, add then write): these methods compose the
// browser's own calls in one transaction, so a failure leaves nothing
// half done and no rule is written twice.

// CreateGuideTagged is CreateGuide and setting its tags, in one
// transaction.
func (a *Authoring) CreateGuideTagged(ctx context.Context, authorID int64, f GuideForm, tags []string) (int64, error) {
	var id int64
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if id, err = a.CreateGuide(ctx, authorID, f); err != nil {
			return err
		}
		return setGuideTags(ctx, a.db, id, NormalizeTags(tags))
	})
	return id, err
}

// UpdateGuideTagged is UpdateGuide and setting the guide's tags, in one
// transaction; ErrStale and ErrConflict as UpdateGuide.
func (a *Authoring) UpdateGuideTagged(ctx context.Context, g AuthorGuide, version int, f GuideForm, tags []string) error {
	return a.db.WithTx(ctx, func(ctx context.Context) error {
		if err := a.UpdateGuide(ctx, g, version, f); err != nil {
			return err
		}
		return setGuideTags(ctx, a.db, g.ID, NormalizeTags(tags))
	})
}

// DeleteDraftGuide deletes the guide if it is a draft still at version
// (ErrStale otherwise: publishing bumps the version too). Its steps,
// progress, notes, tags, co-authors, old slugs and image rows go with it
// (ON DELETE CASCADE); certificates stay, without the guide. It returns
// the image files no guide uses any more, for the caller to remove from
// the image store once the rows are gone.
func (a *Authoring) DeleteDraftGuide(ctx context.Context, id int64, version int) ([]string, error) {
	var orphans []string
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		// The guide's pictures no other guide has, in one query, while
		// the guide's rows still say which they are.
		if err := a.db.Select(ctx, &orphans, `
			SELECT DISTINCT i.sha256 || '.' || i.ext FROM images i
			WHERE i.guide_id = ? AND NOT EXISTS (
				SELECT 1 FROM images o WHERE o.sha256 = i.sha256 AND o.guide_id <> i.guide_id)`, id); err != nil {
			return err
		}
		res, err := a.db.Exec(ctx, `DELETE FROM guides WHERE id = ? AND version = ? AND published_at IS NULL`, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStale
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrStale):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("delete guide: %w", err)
	}
	return orphans, nil
}

// AddStepWritten is AddStep followed by SaveStep of f (so a published
// guide keeps a revision of the new text, as in the browser), in one
// transaction. It returns the new step's position.
func (a *Authoring) AddStepWritten(ctx context.Context, guideID int64, f StepForm, userID int64, published bool) (int, error) {
	var pos int
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if pos, err = a.AddStep(ctx, guideID, f.Title); err != nil {
			return err
		}
		if f.Body == "" {
			return nil
		}
		s, err := a.Step(ctx, guideID, pos)
		if err != nil {
			return err
		}
		_, err = a.SaveStep(ctx, s.ID, s.Version, f, userID, published)
		return err
	})
	return pos, err
}

// DeleteStepChecked is DeleteStep of step n if it is still step stepID at
// version: a step deleted by position must be the one the caller saw, not
// one moved into its place since. ErrStale otherwise.
func (a *Authoring) DeleteStepChecked(ctx context.Context, guideID int64, n int, stepID int64, version int) error {
	return a.db.WithTx(ctx, func(ctx context.Context) error {
		if err := a.stepStill(ctx, guideID, n, stepID, version); err != nil {
			return err
		}
		return a.DeleteStep(ctx, guideID, n)
	})
}

// MoveStepChecked is MoveStepTo for step n if it is still step stepID;
// ErrStale otherwise. It returns the step's new position.
func (a *Authoring) MoveStepChecked(ctx context.Context, guideID int64, n int, stepID int64, to int) (int, error) {
	var moved int
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		if err := a.stepStill(ctx, guideID, n, stepID, -1); err != nil {
			return err
		}
		var err error
		moved, err = a.MoveStepTo(ctx, guideID, n, to)
		return err
	})
	return moved, err
}

// stepStill is nil when step n of the guide is stepID (at version, unless
// version is negative), ErrStale when not.
func (a *Authoring) stepStill(ctx context.Context, guideID int64, n int, stepID int64, version int) error {
	var ok bool
	err := a.db.Get(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM steps WHERE guide_id = ? AND position = ? AND id = ? AND (? < 0 OR version = ?))`,
		guideID, n, stepID, version, version)
	if err != nil {
		return fmt.Errorf("check step: %w", err)
	}
	if !ok {
		return ErrStale
	}
	return nil
}
