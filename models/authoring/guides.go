package authoring

import (
	"context"
	"errors"

	"stepwise/models"
)

// GuideInput is a guide's settings as submitted: the settings form (its
// Tags text is only shown back) and the tags as a list.
type GuideInput struct {
	Form models.GuideForm
	Tags []string
}

// check normalizes in and returns its form, its tags cleaned, and a
// message per field that is not acceptable.
func (in GuideInput) check() (models.GuideForm, []string, models.FieldErrors) {
	f := in.Form
	f.Normalize()
	fe := f.Validate()
	tags, msg := models.CheckTags(in.Tags)
	if msg != "" {
		fe.Add("tags", msg)
	}
	return f, tags, fe
}

// publishedSlug is the published-slug rule's message: a published guide
// keeps its address.
const publishedSlug = "A published guide keeps its address, so links to it keep working. Unpublish it to change the address."

// CreateGuide stores a new draft owned by actor with its tags, in one
// transaction, and returns it. Refusals: RefusedForbidden for an account
// that may not write guides, RefusedInvalid, RefusedConflict
// ("slug_taken") for an address another guide has.
func (s *Service) CreateGuide(ctx context.Context, actor *models.User, in GuideInput) (models.GuideRecord, error) {
	if !models.CanCreateGuide(actor) {
		return models.GuideRecord{}, models.Refuse(models.RefusedForbidden, "may_not_create", "Your account may not write guides.")
	}
	f, tags, fe := in.check()
	if fe.Any() {
		return models.GuideRecord{}, models.Invalid(fe)
	}
	// Rendered before the transaction: the writer does not wait on it.
	rendered, err := models.RenderGuide(f)
	if err != nil {
		return models.GuideRecord{}, err
	}
	var r models.GuideRecord
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		id, err := s.m.Authoring.CreateRenderedGuide(ctx, actor.ID, rendered)
		if errors.Is(err, models.ErrConflict) {
			return slugTaken()
		}
		if err != nil {
			return err
		}
		if err := s.m.Tags.Set(ctx, id, tags); err != nil {
			return err
		}
		r, err = s.m.Guides.Record(ctx, f.Slug, actor.ID)
		return err
	})
	return r, err
}

// UpdateGuide saves the settings and tags of the guide with slug, which
// actor must be allowed to edit, if it is still at version, in one
// transaction, and returns it as saved. A published guide keeps its slug
// (RefusedInvalid on "slug"); a changed draft's slug leaves the old one
// redirecting. Refusals: those of Editable, RefusedInvalid,
// RefusedConflict "stale" (someone saved since version) and "slug_taken".
func (s *Service) UpdateGuide(ctx context.Context, actor *models.User, slug string, version int, in GuideInput) (models.GuideRecord, error) {
	// Checked and rendered before the transaction, so the writer does not
	// wait on Markdown; the refusals keep their order inside it.
	f, tags, fe := in.check()
	var rendered models.RenderedGuide
	if !fe.Any() {
		var err error
		if rendered, err = models.RenderGuide(f); err != nil {
			return models.GuideRecord{}, err
		}
	}
	var out models.GuideRecord
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if r.PublishedAt != nil && f.Slug != r.Slug {
			fe.Add("slug", publishedSlug)
		}
		if fe.Any() {
			return models.Invalid(fe)
		}
		err = s.m.Authoring.UpdateGuide(ctx, r.AuthorGuide(), version, rendered)
		switch {
		case errors.Is(err, models.ErrStale):
			return stale()
		case errors.Is(err, models.ErrConflict):
			return slugTaken()
		case err != nil:
			return err
		}
		if err := s.m.Tags.Set(ctx, r.ID, tags); err != nil {
			return err
		}
		out, err = s.m.Guides.Record(ctx, f.Slug, actor.ID)
		return err
	})
	return out, err
}

// SetPublished publishes (or unpublishes) the guide with slug, which
// actor must be allowed to edit, and returns it; a draft becoming public
// queues the guide.published event in the same transaction. Either is
// idempotent. Refusals: those of Editable.
func (s *Service) SetPublished(ctx context.Context, actor *models.User, slug string, publish bool) (models.GuideRecord, error) {
	var out models.GuideRecord
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if err := s.m.Authoring.SetPublished(ctx, r.ID, publish); err != nil {
			return err
		}
		out, err = s.m.Guides.Record(ctx, r.Slug, actor.ID)
		return err
	})
	return out, err
}

// DeleteGuide deletes the draft with slug for good if it is still at
// version, with everything that hangs off it, then removes the image
// files no other guide uses. Only its owner or an admin may; a published
// guide has learners, so it must be unpublished first. Refusals: those of
// Editable, RefusedForbidden "owner_only", RefusedRule "guide_published",
// RefusedConflict "stale".
func (s *Service) DeleteGuide(ctx context.Context, actor *models.User, slug string, version int) error {
	var orphans []string
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if err := require(actor, models.CanDeleteGuide, r, "Only the guide's owner or an admin may delete it."); err != nil {
			return err
		}
		if r.PublishedAt != nil {
			return models.Refuse(models.RefusedRule, "guide_published", "A published guide cannot be deleted. Unpublish it first.")
		}
		orphans, err = s.m.Authoring.DeleteDraftGuide(ctx, r.ID, version)
		if errors.Is(err, models.ErrStale) {
			return stale()
		}
		return err
	})
	if err != nil || s.images == nil {
		return err
	}
	for _, key := range orphans {
		// The guide is gone either way; a file left behind is never
		// served (images are served only for a guide that has them).
		_ = s.images.Store.Delete(ctx, key)
	}
	return nil
}
