package authoring

import (
	"context"
	"errors"
	"strings"

	"stepwise/models"
	"stepwise/models/imagestore"
)

// Upload is an uploaded image as stored, and whether the guide did not
// have this picture yet (one row per picture and guide).
type Upload struct {
	Image   models.Image
	Created bool
}

// UploadImage stores data, named name, as an image of the guide with
// slug, which actor must be allowed to edit. The type is decided from the
// bytes, never the name, and decoding them happens before the
// transaction. Refusals: those of Editable, RefusedInvalid on "image".
func (s *Service) UploadImage(ctx context.Context, actor *models.User, slug, name string, data []byte) (Upload, error) {
	lib, err := s.library()
	if err != nil {
		return Upload{}, err
	}
	// Who may upload is known before a byte is decoded.
	if _, err := s.Editable(ctx, actor, slug); err != nil {
		return Upload{}, err
	}
	if len(data) > imagestore.MaxBytes {
		return Upload{}, models.Invalid(models.FieldErrors{"image": "The image is larger than 5 MB."})
	}
	info, err := imagestore.Check(data)
	if errors.Is(err, imagestore.ErrBadImage) {
		msg := strings.TrimPrefix(err.Error(), imagestore.ErrBadImage.Error()+": ")
		return Upload{}, models.Invalid(models.FieldErrors{"image": "That image was refused: " + msg + "."})
	}
	if err != nil {
		return Upload{}, err
	}
	var up Upload
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		before, err := lib.ForGuide(ctx, r.ID)
		if err != nil {
			return err
		}
		up.Created = true
		for _, img := range before {
			up.Created = up.Created && img.SHA256 != info.SHA256
		}
		up.Image, err = lib.Add(ctx, r.ID, &actor.ID, name, data, info)
		return err
	})
	return up, err
}

// DeleteImage removes image id of the guide with slug, which actor must
// be allowed to edit, and its file when no guide uses it any more.
// Refusals: those of Editable, RefusedNotFound "image_not_found".
func (s *Service) DeleteImage(ctx context.Context, actor *models.User, slug string, id int64) error {
	lib, err := s.library()
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		err = lib.Delete(ctx, r.ID, id)
		if errors.Is(err, models.ErrNotFound) {
			return models.Refuse(models.RefusedNotFound, "image_not_found", "The guide has no such image.")
		}
		return err
	})
}
