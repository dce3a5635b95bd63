package models

import (
	"context"
	"errors"
	"fmt"
)

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
