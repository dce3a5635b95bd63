package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"stepwise/db"
	"stepwise/models/imagestore"
)

// Image is an image's metadata row.
type Image struct {
	ID          int64     `db:"id"`
	GuideID     int64     `db:"guide_id"`
	Name        string    `db:"name"`
	ContentType string    `db:"content_type"`
	Ext         string    `db:"ext"`
	Size        int64     `db:"size"`
	Width       int       `db:"width"`
	Height      int       `db:"height"`
	SHA256      string    `db:"sha256"`
	UploadedBy  *int64    `db:"uploaded_by"`
	CreatedAt   time.Time `db:"created_at"`
}

// Key is the image's stored name.
func (i Image) Key() string { return i.SHA256 + "." + i.Ext }

// URL is where the image is served, as Markdown should reference it.
func (i Image) URL() string { return "/images/" + i.Key() }

// Markdown is the snippet an author pastes into a step.
func (i Image) Markdown() string {
	alt := strings.NewReplacer("[", "", "]", "", "\n", " ").Replace(i.Name)
	if dot := strings.LastIndexByte(alt, '.'); dot > 0 {
		alt = alt[:dot]
	}
	return "![" + alt + "](" + i.URL() + ")"
}

// Images stores image metadata and, through an imagestore.Store, the
// files.
type Images struct {
	db    *db.DB
	Store imagestore.Store
}

// NewImages returns the image store over d and files.
func NewImages(d *db.DB, files imagestore.Store) *Images { return &Images{db: d, Store: files} }

// CleanImageName keeps a display name from an uploaded file name: its base
// name, valid UTF-8, no control characters, at most 100 characters. It is
// only ever shown (escaped) and used as alt text, never as a path.
func CleanImageName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	name = firstRunes(name, 100)
	if name == "" {
		name = "image"
	}
	return name
}

// firstRunes is s cut after its first n characters, in one pass however
// long s is (a name is whatever the client sent).
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Add stores the file, then records it for the guide. data must have
// passed imagestore.Check (info is its result). Adding the same picture
// twice to a guide returns the existing row. The file is written first
// and outside any transaction: call Add only where none is open, or the
// single writer waits on the disk (an operation calls Store.Put and then
// Insert inside its own transaction instead).
func (m *Images) Add(ctx context.Context, guideID int64, uploadedBy *int64, name string, data []byte, info imagestore.Info) (Image, error) {
	if err := m.Store.Put(ctx, info.Key(), data); err != nil {
		return Image{}, err
	}
	return m.Insert(ctx, guideID, uploadedBy, name, len(data), info)
}

// Insert records an image of size bytes, whose file is already stored,
// for the guide: the row only, so it belongs inside a transaction. The
// same picture twice for a guide returns the existing row.
func (m *Images) Insert(ctx context.Context, guideID int64, uploadedBy *int64, name string, size int, info imagestore.Info) (Image, error) {
	var img Image
	err := m.db.GetWrite(ctx, &img, `
		INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (guide_id, sha256) DO UPDATE SET name = images.name
		RETURNING id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at`,
		guideID, CleanImageName(name), info.ContentType, info.Ext, size, info.Width, info.Height, info.SHA256, uploadedBy, now())
	if err != nil {
		return Image{}, fmt.Errorf("add image: %w", err)
	}
	return img, nil
}

// Has reports whether the guide already has the picture with hash sha256.
func (m *Images) Has(ctx context.Context, guideID int64, sha256 string) (bool, error) {
	var has bool
	err := m.db.GetWrite(ctx, &has, `SELECT EXISTS (SELECT 1 FROM images WHERE guide_id = ? AND sha256 = ?)`, guideID, sha256)
	if err != nil {
		return false, fmt.Errorf("guide has image: %w", err)
	}
	return has, nil
}

// Unused reports whether no guide has the picture with hash sha256 any
// more, so its file may go.
func (m *Images) Unused(ctx context.Context, sha256 string) (bool, error) {
	var used bool
	err := m.db.GetWrite(ctx, &used, `SELECT EXISTS (SELECT 1 FROM images WHERE sha256 = ?)`, sha256)
	if err != nil {
		return false, fmt.Errorf("image uses: %w", err)
	}
	return !used, nil
}

// ForGuide lists the guide's images, newest first.
func (m *Images) ForGuide(ctx context.Context, guideID int64) ([]Image, error) {
	var imgs []Image
	err := m.db.Select(ctx, &imgs, `
		SELECT id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at
		FROM images WHERE guide_id = ? ORDER BY created_at DESC, id DESC`, guideID)
	if err != nil {
		return nil, fmt.Errorf("guide images: %w", err)
	}
	return imgs, nil
}

// Delete removes the guide's image id, and after the commit the file
// when no guide uses it any more. An id of another guide is ErrNotFound.
// Call it only where no transaction is open: inside one, the file would go
// before the row does.
func (m *Images) Delete(ctx context.Context, guideID, id int64) error {
	var img Image
	var orphan bool
	err := m.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if img, err = m.DeleteRow(ctx, guideID, id); err != nil {
			return err
		}
		orphan, err = m.Unused(ctx, img.SHA256)
		return err
	})
	if err != nil {
		return err
	}
	if orphan {
		return m.Store.Delete(ctx, img.Key())
	}
	return nil
}

// DeleteRow removes the guide's image id and returns it, leaving its file:
// the caller deletes that after its commit when Unused says no guide has
// the picture any more. An id of another guide is ErrNotFound.
func (m *Images) DeleteRow(ctx context.Context, guideID, id int64) (Image, error) {
	var img Image
	err := m.db.GetWrite(ctx, &img, `
		DELETE FROM images WHERE id = ? AND guide_id = ?
		RETURNING id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at`, id, guideID)
	if errors.Is(err, sql.ErrNoRows) {
		return Image{}, ErrNotFound
	}
	if err != nil {
		return Image{}, fmt.Errorf("delete image: %w", err)
	}
	return img, nil
}

// ImageUse is one guide an image belongs to, with what the policy needs to
// decide whether the viewer may see it.
type ImageUse struct {
	Guide    Guide
	CoAuthor bool
}

// Uses returns every guide the image key belongs to (none: ErrNotFound),
// with whether userID co-authors each: one query.
func (m *Images) Uses(ctx context.Context, key string, userID int64) ([]ImageUse, error) {
	if !imagestore.ValidKey(key) {
		return nil, ErrNotFound
	}
	hash, ext, _ := strings.Cut(key, ".")
	var rows []struct {
		Guide
		CoAuthor bool `db:"co_author"`
	}
	err := m.db.Select(ctx, &rows, `
		SELECT g.id, g.slug, g.title, g.summary, g.difficulty, g.minutes, g.intro_html, g.published_at, g.author_id,
		       EXISTS (SELECT 1 FROM guide_authors a WHERE a.guide_id = g.id AND a.user_id = ?) AS co_author
		FROM images i JOIN guides g ON g.id = i.guide_id
		WHERE i.sha256 = ? AND i.ext = ?`, userID, hash, ext)
	if err != nil {
		return nil, fmt.Errorf("image uses: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	uses := make([]ImageUse, len(rows))
	for i, r := range rows {
		uses[i] = ImageUse{Guide: r.Guide, CoAuthor: r.CoAuthor}
	}
	return uses, nil
}
