package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stepwise/models/markdown"
)

// EditStep is a step as the editor sees it: its Markdown and version.
type EditStep struct {
	ID       int64  `db:"id"`
	GuideID  int64  `db:"guide_id"`
	Position int    `db:"position"`
	Title    string `db:"title"`
	BodyMD   string `db:"body_md"`
	BodyHTML string `db:"body_html"`
	Version  int    `db:"version"`
}

// Step returns step n (1-based) of the guide for editing.
func (a *Authoring) Step(ctx context.Context, guideID int64, n int) (EditStep, error) {
	var s EditStep
	err := a.db.Get(ctx, &s, `
		SELECT id, guide_id, position, title, body_md, body_html, version
		FROM steps WHERE guide_id = ? AND position = ?`, guideID, n)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("step for editing: %w", err)
	}
	return s, nil
}

// AddStep appends a step titled title to the guide and returns its
// position.
func (a *Authoring) AddStep(ctx context.Context, guideID int64, title string) (int, error) {
	var pos int
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		t := now()
		return a.db.GetWrite(ctx, &pos, `
			INSERT INTO steps (guide_id, position, title, body_md, body_html, created_at, updated_at)
			VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM steps WHERE guide_id = ?), ?, '', '', ?, ?)
			RETURNING position`, guideID, guideID, title, t, t)
	})
	if err != nil {
		return 0, fmt.Errorf("add step: %w", err)
	}
	return pos, nil
}

// RenderedStep is a step form with its body rendered by RenderStep. An
// operation renders before it opens its transaction, so the single writer
// never waits on Markdown, and hands the result to SaveRenderedStep. The
// fields are unexported so the HTML is always the form's own rendering.
type RenderedStep struct {
	form StepForm
	html string
}

// RenderStep renders f's body for SaveRenderedStep.
func RenderStep(f StepForm) (RenderedStep, error) {
	html, err := markdown.Render(f.Body)
	if err != nil {
		return RenderedStep{}, err
	}
	return RenderedStep{form: f, html: html}, nil
}

// Form is the step form that was rendered.
func (r RenderedStep) Form() StepForm { return r.form }

// SaveStep stores f as the step's new text if the step is still at
// version, rendering its Markdown first, and, when the guide is published,
// keeps a revision by userID. It returns the new version; ErrStale when
// someone saved in between. Inside a transaction use RenderStep before it
// and SaveRenderedStep within it.
func (a *Authoring) SaveStep(ctx context.Context, stepID int64, version int, f StepForm, userID int64, published bool) (int, error) {
	r, err := RenderStep(f)
	if err != nil {
		return 0, err
	}
	return a.SaveRenderedStep(ctx, stepID, version, r, userID, published, false)
}

// autosaveWindow is how long one author's autosaves of a step keep
// updating the same revision rather than adding one each few seconds.
const autosaveWindow = 10 * time.Minute

// SaveRenderedStep is SaveStep for text RenderStep has already rendered.
// An autosave (a background save) by the same author within
// autosaveWindow of their last one updates that revision instead of
// adding one.
func (a *Authoring) SaveRenderedStep(ctx context.Context, stepID int64, version int, r RenderedStep, userID int64, published, autosave bool) (int, error) {
	f, html := r.form, r.html
	var next int
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		err := a.db.GetWrite(ctx, &next, `
			UPDATE steps SET title = ?, body_md = ?, body_html = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? RETURNING version`,
			f.Title, f.Body, html, now(), stepID, version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrStale
		}
		if err != nil {
			return err
		}
		if !published {
			return nil
		}
		t := now()
		if autosave {
			res, err := a.db.Exec(ctx, `
				UPDATE step_revisions SET version = ?, title = ?, body_md = ?, created_at = ?
				WHERE id = (SELECT max(id) FROM step_revisions WHERE step_id = ?)
				  AND autosave AND author_id = ? AND created_at > ?`,
				next, f.Title, f.Body, t, stepID, userID, t.Add(-autosaveWindow))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				return nil
			}
		}
		_, err = a.db.Exec(ctx, `
			INSERT INTO step_revisions (step_id, version, title, body_md, author_id, autosave, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, stepID, next, f.Title, f.Body, userID, autosave, t)
		return err
	})
	if err != nil && !errors.Is(err, ErrStale) {
		return 0, fmt.Errorf("save step: %w", err)
	}
	return next, err
}

// DeleteStep removes step n of the guide and renumbers the later ones, so
// positions stay 1..count, in one transaction.
func (a *Authoring) DeleteStep(ctx context.Context, guideID int64, n int) error {
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		res, err := a.db.Exec(ctx, `DELETE FROM steps WHERE guide_id = ? AND position = ?`, guideID, n)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return ErrNotFound
		}
		// Through negative positions: UNIQUE (guide_id, position) is
		// checked row by row.
		if _, err := a.db.Exec(ctx, `
			UPDATE steps SET position = -(position - 1) WHERE guide_id = ? AND position > ?`, guideID, n); err != nil {
			return err
		}
		_, err = a.db.Exec(ctx, `UPDATE steps SET position = -position WHERE guide_id = ? AND position < 0`, guideID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete step: %w", err)
	}
	return err
}

// MoveStep moves step n to position to (clamped to 1..count), shifting
// the steps between, and returns its new position: moving up or down one
// is to n-1 or n+1, which stays put at either end.
func (a *Authoring) MoveStep(ctx context.Context, guideID int64, n, to int) (int, error) {
	moved := n
	err := a.db.WithTx(ctx, func(ctx context.Context) error {
		var count int
		if err := a.db.GetWrite(ctx, &count, `SELECT count(*) FROM steps WHERE guide_id = ?`, guideID); err != nil {
			return err
		}
		if n < 1 || n > count {
			return ErrNotFound
		}
		to = min(max(to, 1), count)
		if to == n {
			return nil
		}
		// Park the step at 0, shift the ones between through negative
		// positions (UNIQUE is checked row by row), then land it.
		lo, hi, shift := to, n-1, 1
		if to > n {
			lo, hi, shift = n+1, to, -1
		}
		steps := []struct {
			q    string
			args []any
		}{
			{`UPDATE steps SET position = 0 WHERE guide_id = ? AND position = ?`, []any{guideID, n}},
			{`UPDATE steps SET position = -(position + ?) WHERE guide_id = ? AND position BETWEEN ? AND ?`, []any{shift, guideID, lo, hi}},
			{`UPDATE steps SET position = -position WHERE guide_id = ? AND position < 0`, []any{guideID}},
			{`UPDATE steps SET position = ? WHERE guide_id = ? AND position = 0`, []any{to, guideID}},
		}
		for _, st := range steps {
			if _, err := a.db.Exec(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		moved = to
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("move step: %w", err)
	}
	return moved, err
}

// Revision is a saved version of a published step.
type Revision struct {
	ID         int64     `db:"id"`
	StepID     int64     `db:"step_id"`
	Version    int       `db:"version"`
	Title      string    `db:"title"`
	BodyMD     string    `db:"body_md"`
	AuthorName string    `db:"author_name"`
	CreatedAt  time.Time `db:"created_at"`
}

// Revisions lists the step's revisions, newest first (without bodies).
func (a *Authoring) Revisions(ctx context.Context, stepID int64) ([]Revision, error) {
	var list []Revision
	err := a.db.Select(ctx, &list, `
		SELECT r.id, r.step_id, r.version, r.title, '' AS body_md,
		       coalesce(u.display_name, 'a former member') AS author_name, r.created_at
		FROM step_revisions r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.step_id = ? ORDER BY r.id DESC LIMIT 1000`, stepID)
	if err != nil {
		return nil, fmt.Errorf("revisions: %w", err)
	}
	return list, nil
}

// Revision returns revision id of the step.
func (a *Authoring) Revision(ctx context.Context, stepID, id int64) (Revision, error) {
	var r Revision
	err := a.db.Get(ctx, &r, `
		SELECT r.id, r.step_id, r.version, r.title, r.body_md,
		       coalesce(u.display_name, 'a former member') AS author_name, r.created_at
		FROM step_revisions r LEFT JOIN users u ON u.id = r.author_id
		WHERE r.step_id = ? AND r.id = ?`, stepID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("revision: %w", err)
	}
	return r, nil
}

// CoAuthor is a user added to a guide's authors.
type CoAuthor struct {
	ID          int64  `db:"id"`
	DisplayName string `db:"display_name"`
	Email       string `db:"email"`
}

// CoAuthors lists the guide's co-authors.
func (a *Authoring) CoAuthors(ctx context.Context, guideID int64) ([]CoAuthor, error) {
	var list []CoAuthor
	err := a.db.Select(ctx, &list, `
		SELECT u.id, u.display_name, u.email FROM guide_authors ga JOIN users u ON u.id = ga.user_id
		WHERE ga.guide_id = ? ORDER BY ga.added_at, u.id`, guideID)
	if err != nil {
		return nil, fmt.Errorf("co-authors: %w", err)
	}
	return list, nil
}

// AddCoAuthor adds the account with email to the guide's co-authors;
// ErrNotFound when there is no such account.
func (a *Authoring) AddCoAuthor(ctx context.Context, guideID int64, email string) error {
	res, err := a.db.Exec(ctx, `
		INSERT INTO guide_authors (guide_id, user_id, added_at)
		SELECT ?, id, ? FROM users WHERE email = ?
		ON CONFLICT (guide_id, user_id) DO NOTHING`, guideID, now(), NormalizeEmail(email))
	if err != nil {
		return fmt.Errorf("add co-author: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists bool
		if err := a.db.Get(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, NormalizeEmail(email)); err != nil {
			return fmt.Errorf("add co-author: %w", err)
		}
		if !exists {
			return ErrNotFound
		}
	}
	return nil
}

// RemoveCoAuthor removes userID from the guide's co-authors.
func (a *Authoring) RemoveCoAuthor(ctx context.Context, guideID, userID int64) error {
	if _, err := a.db.Exec(ctx, `DELETE FROM guide_authors WHERE guide_id = ? AND user_id = ?`, guideID, userID); err != nil {
		return fmt.Errorf("remove co-author: %w", err)
	}
	return nil
}
