package authoring

import (
	"bytes"
	"context"
	"errors"

	"stepwise/models"
	"stepwise/models/guidezip"
)

// Export is a guide as a zip archive of Markdown files and images, in the
// built-in guides' format, and the guide's slug to name the file after.
type Export struct {
	Slug string
	Zip  []byte
}

// ExportGuide writes the guide with slug, which actor must be allowed to
// edit, as a zip archive. Refusals: those of Editable.
func (s *Service) ExportGuide(ctx context.Context, actor *models.User, slug string) (Export, error) {
	lib, err := s.library()
	if err != nil {
		return Export{}, err
	}
	r, err := s.Editable(ctx, actor, slug)
	if err != nil {
		return Export{}, err
	}
	a, err := lib.ExportGuide(ctx, r.ID)
	if err != nil {
		return Export{}, err
	}
	var buf bytes.Buffer
	if err := guidezip.Write(&buf, a); err != nil {
		return Export{}, err
	}
	return Export{Slug: r.Slug, Zip: buf.Bytes()}, nil
}

// Import is an imported guide; after a refusal for a taken address,
// Suggestion is a free one to retry with.
type Import struct {
	Guide      models.GuideRecord
	Suggestion string
}

// ImportGuide makes a new draft owned by actor from the zip archive data,
// under slug (the archive's own when empty), with its steps, quizzes,
// tags and images. Reading the archive, decoding its images and
// rendering its Markdown happen before the one transaction that stores
// it. Refusals: RefusedForbidden for an account that may not write
// guides, RefusedInvalid on "slug" or "archive" (saying what is wrong
// with it), RefusedConflict "slug_taken" with a free Suggestion.
func (s *Service) ImportGuide(ctx context.Context, actor *models.User, data []byte, slug string) (Import, error) {
	lib, err := s.library()
	if err != nil {
		return Import{}, err
	}
	if !models.CanCreateGuide(actor) {
		return Import{}, models.Refuse(models.RefusedForbidden, "may_not_create", "Your account may not write guides.")
	}
	if slug != "" && (len(slug) > models.SlugMaxLen || models.Slugify(slug) != slug) {
		return Import{}, models.Invalid(models.FieldErrors{"slug": "Use lower-case letters, digits and single hyphens only, at most 80."})
	}
	a, err := guidezip.Read(data)
	var g models.Guide
	if err == nil {
		g, err = lib.ImportGuide(ctx, a, actor.ID, slug)
	}
	var ae *models.ArchiveError
	switch {
	case errors.As(err, &ae):
		return Import{}, models.Invalid(models.FieldErrors{"archive": ae.Msg})
	case errors.Is(err, models.ErrConflict):
		return s.slugSuggestion(ctx, lib, slug, a.Guide.Slug)
	case err != nil:
		return Import{}, err
	}
	r, err := s.m.Guides.Record(ctx, g.Slug, actor.ID)
	return Import{Guide: r}, err
}

// slugSuggestion refuses an archive whose address another guide has,
// with a free one to retry with.
func (s *Service) slugSuggestion(ctx context.Context, lib *models.Images, slug, archived string) (Import, error) {
	if slug == "" {
		slug = archived
	}
	free, err := lib.SuggestSlug(ctx, slug)
	if err != nil {
		return Import{}, err
	}
	r := models.Refuse(models.RefusedConflict, "slug_taken",
		"A guide with the address “"+slug+"” exists already. “"+free+"” is free: import it under that address, or choose another.")
	r.Fields = models.FieldErrors{"slug": r.Reason}
	return Import{Suggestion: free}, r
}
