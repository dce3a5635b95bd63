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
// bytes, never the name; decoding them and writing the file happen
// before the transaction, which only records the row. Refusals: those of Editable, RefusedInvalid on "image".
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
	// The file is written before the transaction, as ImportGuide does:
	// a 5 MB write must not hold the single writer. Stored by content,
	// it is the same file whichever upload wrote it.
	if err := lib.Store.Put(ctx, info.Key(), data); err != nil {
		return Upload{}, err
	}
	var up Upload
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		had, err := lib.Has(ctx, r.ID, info.SHA256)
		if err != nil {
			return err
		}
		up.Created = !had
		up.Image, err = lib.Insert(ctx, r.ID, &actor.ID, name, len(data), info)
		return err
	})
	if err != nil {
		// Nothing was recorded: remove the file unless a guide has it.
		if unused, uerr := lib.Unused(ctx, info.SHA256); uerr == nil && unused {
			_ = lib.Store.Delete(ctx, info.Key())
		}
		return Upload{}, err
	}
	return up, nil
}

// DeleteImage removes image id of the guide with slug, which actor must
// be allowed to edit, and after the commit its file when no guide uses it
// any more (so a failed commit never leaves a row without its file).
// Refusals: those of Editable, RefusedNotFound "image_not_found".
func (s *Service) DeleteImage(ctx context.Context, actor *models.User, slug string, id int64) error {
	lib, err := s.library()
	if err != nil {
		return err
	}
	var img models.Image
	var orphan bool
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		img, err = lib.DeleteRow(ctx, r.ID, id)
		if errors.Is(err, models.ErrNotFound) {
			return models.Refuse(models.RefusedNotFound, "image_not_found", "The guide has no such image.")
		}
		if err != nil {
			return err
		}
		orphan, err = lib.Unused(ctx, img.SHA256)
		return err
	})
	if err != nil || !orphan {
		return err
	}
	// The row is gone either way; a file left behind is never served
	// (images are served only for a guide that has them).
	_ = lib.Store.Delete(ctx, img.Key())
	return nil
}
