package authoring

import (
	"context"
	"errors"

	"stepwise/models"
)

// notFound refuses a guide that does not exist or that the actor may not
// see (a draft of someone else's): the two are not told apart.
func notFound() *models.Refusal {
	return models.Refuse(models.RefusedNotFound, "guide_not_found", "There is no such guide, or you may not see it.")
}

// Editable loads the guide with slug for actor to edit: the one rule for
// every editing page and endpoint. A guide actor may not see (a draft of
// someone else's, or none at all) is RefusedNotFound; a published guide
// actor may read but not edit is RefusedForbidden.
func (s *Service) Editable(ctx context.Context, actor *models.User, slug string) (models.GuideRecord, error) {
	var uid int64
	if actor != nil {
		uid = actor.ID
	}
	r, err := s.m.Guides.Record(ctx, slug, uid)
	if errors.Is(err, models.ErrNotFound) {
		return r, notFound()
	}
	if err != nil {
		return r, err
	}
	if !models.CanEditGuide(actor, r.Editable()) {
		if !models.CanReadGuide(actor, r.Guide) {
			return models.GuideRecord{}, notFound()
		}
		return r, models.Refuse(models.RefusedForbidden, "guide_not_editable", "You may read this guide but not change it.")
	}
	return r, nil
}

// EditableStep is Editable and the guide's step n; a number that is not
// a step is RefusedNotFound.
func (s *Service) EditableStep(ctx context.Context, actor *models.User, slug string, n int) (models.GuideRecord, models.EditStep, error) {
	r, err := s.Editable(ctx, actor, slug)
	if err != nil {
		return r, models.EditStep{}, err
	}
	st, err := s.m.Authoring.Step(ctx, r.ID, n)
	if errors.Is(err, models.ErrNotFound) {
		return r, st, models.Refuse(models.RefusedNotFound, "step_not_found", "The guide has no such step.")
	}
	return r, st, err
}

// require refuses actor on r unless policy allows it: the owner-only
// actions (models.CanManageCoAuthors, models.CanDeleteGuide) that an
// editor may not do.
func require(actor *models.User, policy func(*models.User, models.Editable) bool, r models.GuideRecord, reason string) error {
	if !policy(actor, r.Editable()) {
		return models.Refuse(models.RefusedForbidden, "owner_only", reason)
	}
	return nil
}
