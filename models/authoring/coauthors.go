package authoring

import (
	"context"
	"errors"

	"stepwise/models"
)

// AddCoAuthor adds the account with email to the co-authors of the guide
// with slug and returns it, with whether it is new (adding one the guide
// has already changes nothing). Only the guide's owner and admins may.
// Refusals: those of Editable, RefusedForbidden "owner_only",
// RefusedInvalid on "email" (not an email, or no account has it).
func (s *Service) AddCoAuthor(ctx context.Context, actor *models.User, slug, email string) (models.CoAuthor, bool, error) {
	email = models.NormalizeEmail(email)
	var added models.CoAuthor
	created := true
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if err := require(actor, models.CanManageCoAuthors, r, "Only the guide's owner or an admin may change its co-authors."); err != nil {
			return err
		}
		if msg := models.CheckEmail(email); msg != "" {
			return models.Invalid(models.FieldErrors{"email": msg})
		}
		before, err := s.m.Authoring.CoAuthors(ctx, r.ID)
		if err != nil {
			return err
		}
		if _, ok := byEmail(before, email); ok {
			created = false
		}
		err = s.m.Authoring.AddCoAuthor(ctx, r.ID, email)
		if errors.Is(err, models.ErrNotFound) {
			return models.Invalid(models.FieldErrors{"email": "There is no account with that email."})
		}
		if err != nil {
			return err
		}
		after, err := s.m.Authoring.CoAuthors(ctx, r.ID)
		if err != nil {
			return err
		}
		var ok bool
		if added, ok = byEmail(after, email); !ok {
			return errors.New("co-author added but not listed")
		}
		return nil
	})
	return added, created, err
}

// RemoveCoAuthor removes the co-author with userID from the guide with
// slug; removing someone who is not one (again, say) changes nothing.
// Only the guide's owner and admins may. Refusals: those of Editable,
// RefusedForbidden "owner_only".
func (s *Service) RemoveCoAuthor(ctx context.Context, actor *models.User, slug string, userID int64) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		if err := require(actor, models.CanManageCoAuthors, r, "Only the guide's owner or an admin may change its co-authors."); err != nil {
			return err
		}
		return s.m.Authoring.RemoveCoAuthor(ctx, r.ID, userID)
	})
}

// CoAuthor returns the co-author with userID of r (found through
// Editable); anyone else is RefusedNotFound.
func (s *Service) CoAuthor(ctx context.Context, r models.GuideRecord, userID int64) (models.CoAuthor, error) {
	list, err := s.m.Authoring.CoAuthors(ctx, r.ID)
	if err != nil {
		return models.CoAuthor{}, err
	}
	for _, a := range list {
		if a.ID == userID {
			return a, nil
		}
	}
	return models.CoAuthor{}, models.Refuse(models.RefusedNotFound, "coauthor_not_found", "The guide has no such co-author.")
}

func byEmail(list []models.CoAuthor, email string) (models.CoAuthor, bool) {
	for _, a := range list {
		if models.NormalizeEmail(a.Email) == email {
			return a, true
		}
	}
	return models.CoAuthor{}, false
}
