package authoring

import (
	"context"
	"errors"
	"strings"

	"stepwise/models"
)

// MaxPosition bounds the position a step is moved to; a larger one would
// only be clamped to the last step anyway.
const MaxPosition = 100000

// checkStep trims f's title and returns f with its field errors.
func checkStep(f models.StepForm) (models.StepForm, models.FieldErrors) {
	f.Title = strings.TrimSpace(f.Title)
	return f, f.Validate()
}

// prepareStep checks f and, when it is valid, renders it, so that an
// operation does both before its transaction: the single writer never
// waits on Markdown. The field errors are refused inside the transaction,
// after the editing rule, as they always were.
func prepareStep(f models.StepForm) (models.RenderedStep, models.FieldErrors, error) {
	f, fe := checkStep(f)
	if fe.Any() {
		return models.RenderedStep{}, fe, nil
	}
	r, err := models.RenderStep(f)
	return r, fe, err
}

// AddStep appends a step written as f to the guide with slug, which actor
// must be allowed to edit, in one transaction; on a published guide its
// text is kept as a first revision, as any save's is. It returns the new
// step. Refusals: those of Editable, RefusedInvalid.
func (s *Service) AddStep(ctx context.Context, actor *models.User, slug string, f models.StepForm) (models.EditStep, error) {
	rendered, fe, err := prepareStep(f)
	if err != nil {
		return models.EditStep{}, err
	}
	var st models.EditStep
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if fe.Any() {
			return models.Invalid(fe)
		}
		f := rendered.Form()
		n, err := s.m.Authoring.AddStep(ctx, r.ID, f.Title)
		if err != nil {
			return err
		}
		if st, err = s.m.Authoring.Step(ctx, r.ID, n); err != nil || f.Body == "" {
			return err
		}
		if _, err := s.m.Authoring.SaveRenderedStep(ctx, st.ID, st.Version, rendered, actor.ID, r.PublishedAt != nil, false); err != nil {
			return err
		}
		st, err = s.m.Authoring.Step(ctx, r.ID, n)
		return err
	})
	return st, err
}

// StepSave is a step's new text, the version it was edited from, and
// whether it is a background autosave (whose saves within a few minutes
// share one revision).
type StepSave struct {
	Form     models.StepForm
	Version  int
	Autosave bool
}

// SaveStep saves step n of the guide with slug, which actor must be
// allowed to edit, if it is still at in.Version; on a published guide the
// text is kept as a revision. A save that changes neither title nor body
// of the step at in.Version changes nothing: no new version, no revision.
// It returns the step as saved. Refusals: those of EditableStep,
// RefusedInvalid, RefusedConflict "stale".
func (s *Service) SaveStep(ctx context.Context, actor *models.User, slug string, n int, in StepSave) (models.EditStep, error) {
	rendered, fe, err := prepareStep(in.Form)
	if err != nil {
		return models.EditStep{}, err
	}
	var st models.EditStep
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, cur, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		if fe.Any() {
			return models.Invalid(fe)
		}
		if f := rendered.Form(); f.Title == cur.Title && f.Body == cur.BodyMD && in.Version == cur.Version {
			st = cur
			return nil
		}
		_, err = s.m.Authoring.SaveRenderedStep(ctx, cur.ID, in.Version, rendered, actor.ID, r.PublishedAt != nil, in.Autosave)
		if errors.Is(err, models.ErrStale) {
			return stale()
		}
		if err != nil {
			return err
		}
		st, err = s.m.Authoring.Step(ctx, r.ID, n)
		return err
	})
	return st, err
}

// StepRef is the step a caller saw at a position: its id and version. A
// zero ID takes whichever step is there now; a negative Version any
// version of it.
type StepRef struct {
	ID      int64
	Version int
}

// matches reports whether st is the step ref names.
func (ref StepRef) matches(st models.EditStep) bool {
	return ref.ID == 0 || st.ID == ref.ID && (ref.Version < 0 || st.Version == ref.Version)
}

// DeleteStep deletes step n of the guide with slug, which actor must be
// allowed to edit, if it is still the step ref names; the later steps
// move up one. Refusals: those of EditableStep, RefusedConflict "stale".
func (s *Service) DeleteStep(ctx context.Context, actor *models.User, slug string, n int, ref StepRef) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		r, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		if !ref.matches(st) {
			return stale()
		}
		return s.m.Authoring.DeleteStep(ctx, r.ID, n)
	})
}

// MoveStep moves step n of the guide with slug, which actor must be
// allowed to edit, to position to (past the end: last), if it is still
// the step ref names; the steps between shift. It returns the guide's
// steps in their new order. Refusals: those of EditableStep,
// RefusedInvalid (a position out of 1..MaxPosition), RefusedConflict
// "steps_changed".
func (s *Service) MoveStep(ctx context.Context, actor *models.User, slug string, n, to int, ref StepRef) ([]models.StepLink, error) {
	var list []models.StepLink
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		if to < 1 || to > MaxPosition {
			msg := "Give the step's new number, from 1 (a number past the last step moves it to the end)."
			r := models.Invalid(models.FieldErrors{"to": msg})
			r.Reason = msg
			return r
		}
		if !ref.matches(st) {
			return models.Refuse(models.RefusedConflict, "steps_changed",
				"The guide's steps changed while your request was handled. List them again and retry.")
		}
		if _, err := s.m.Authoring.MoveStep(ctx, r.ID, n, to); err != nil {
			return err
		}
		list, err = s.m.Steps.List(ctx, r.ID)
		return err
	})
	return list, err
}

// RestoreRevision makes revision id of step n the step's text again, as
// a new save (and so a new revision), if the step is still at version (a
// negative version: whatever it is now). It returns the step as
// restored. Refusals: those of EditableStep, RefusedNotFound
// "revision_not_found", RefusedConflict "stale".
func (s *Service) RestoreRevision(ctx context.Context, actor *models.User, slug string, n int, id int64, version int) (models.EditStep, error) {
	// The revision is read and rendered before the transaction, so the
	// writer does not wait on Markdown; inside it the revision must still
	// read the same (an autosave may rewrite the latest one).
	_, cur, err := s.EditableStep(ctx, actor, slug, n)
	if err != nil {
		return models.EditStep{}, err
	}
	rev, err := s.revision(ctx, cur.ID, id)
	if err != nil {
		return models.EditStep{}, err
	}
	rendered, err := models.RenderStep(models.StepForm{Title: rev.Title, Body: rev.BodyMD})
	if err != nil {
		return models.EditStep{}, err
	}
	var st models.EditStep
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, cur, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		again, err := s.revision(ctx, cur.ID, id)
		if err != nil {
			return err
		}
		if again.Title != rev.Title || again.BodyMD != rev.BodyMD {
			return stale()
		}
		if version < 0 {
			version = cur.Version
		}
		_, err = s.m.Authoring.SaveRenderedStep(ctx, cur.ID, version, rendered, actor.ID, r.PublishedAt != nil, false)
		if errors.Is(err, models.ErrStale) {
			return stale()
		}
		if err != nil {
			return err
		}
		st, err = s.m.Authoring.Step(ctx, r.ID, n)
		return err
	})
	return st, err
}

// revision is the step's revision id; RefusedNotFound "revision_not_found"
// when it has none such.
func (s *Service) revision(ctx context.Context, stepID, id int64) (models.Revision, error) {
	rev, err := s.m.Authoring.Revision(ctx, stepID, id)
	if errors.Is(err, models.ErrNotFound) {
		return rev, models.Refuse(models.RefusedNotFound, "revision_not_found", "The step has no such revision.")
	}
	return rev, err
}
