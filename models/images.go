package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	_ "golang.org/x/image/webp" // registers WebP for image.DecodeConfig

	"stepwise/db"
)

// Image limits: what an upload (or an imported archive's image) may be.
const (
	MaxImageBytes  = 5 << 20 // 5 MiB per file
	MaxImageSide   = 8000    // pixels, width and height each
	MaxImagePixels = 40_000_000
)

// imageTypes maps the content types Stepwise accepts to the extension its
// files are stored and served under.
var imageTypes = map[string]string{
	"image/png":  "png",
	"image/jpeg": "jpg",
	"image/gif":  "gif",
	"image/webp": "webp",
}

// imageKeyRE is what a stored image's key looks like: sha256 + extension.
var imageKeyRE = regexp.MustCompile(`^[0-9a-f]{64}\.(png|jpg|gif|webp)$`)

// ValidImageKey reports whether key is a stored image's name.
func ValidImageKey(key string) bool { return imageKeyRE.MatchString(key) }

// ContentTypeOfKey returns the content type an image key is served with.
func ContentTypeOfKey(key string) string {
	ext := key[strings.LastIndexByte(key, '.')+1:]
	for ct, e := range imageTypes {
		if e == ext {
			return ct
		}
	}
	return "application/octet-stream"
}

// ImageInfo is what CheckImage learns from a file's content.
type ImageInfo struct {
	ContentType string
	Ext         string
	Width       int
	Height      int
	SHA256      string
}

// Key is the image's content address: its sha256 and extension.
func (i ImageInfo) Key() string { return i.SHA256 + "." + i.Ext }

// ErrBadImage is wrapped by every refusal of CheckImage; the message is
// fit to show the user.
var ErrBadImage = errors.New("bad image")

// CheckImage decides from the bytes alone (never the file name) whether
// data is an image Stepwise accepts: PNG, JPEG, GIF or WebP, at most
// MaxImageBytes, MaxImageSide on each side and MaxImagePixels in all. Only
// the header is decoded, so a huge image is refused before any pixel is.
func CheckImage(data []byte) (ImageInfo, error) {
	if len(data) == 0 {
		return ImageInfo{}, fmt.Errorf("%w: the file is empty", ErrBadImage)
	}
	if len(data) > MaxImageBytes {
		return ImageInfo{}, fmt.Errorf("%w: the file is larger than 5 MB", ErrBadImage)
	}
	ct := http.DetectContentType(data)
	ext, ok := imageTypes[ct]
	if !ok {
		return ImageInfo{}, fmt.Errorf("%w: only PNG, JPEG, GIF and WebP images are accepted", ErrBadImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || imageTypes["image/"+format] != ext {
		return ImageInfo{}, fmt.Errorf("%w: the image could not be read", ErrBadImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return ImageInfo{}, fmt.Errorf("%w: the image may be at most 8000×8000 pixels and 40 megapixels", ErrBadImage)
	}
	sum := sha256.Sum256(data)
	return ImageInfo{ContentType: ct, Ext: ext, Width: cfg.Width, Height: cfg.Height, SHA256: hex.EncodeToString(sum[:])}, nil
}

// ImageStore keeps image files by key (a content address, see
// ImageInfo.Key). The local directory is the default; shared storage (an
// object store) can implement the same three methods.
type ImageStore interface {
	Put(ctx context.Context, key string, data []byte) error
	// Get returns ErrNotFound for a key it does not hold.
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete of a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// DirStore is an ImageStore in a local directory, one file per key,
// readable by the owner only.
type DirStore struct{ dir string }

// NewDirStore returns a store in dir, created (0700) if needed.
func NewDirStore(dir string) (*DirStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("image store: %w", err)
	}
	return &DirStore{dir: dir}, nil
}

func (s *DirStore) path(key string) (string, error) {
	if !ValidImageKey(key) {
		return "", ErrNotFound
	}
	return filepath.Join(s.dir, key), nil
}

// Put writes the file atomically (a temporary file renamed into place).
func (s *DirStore) Put(_ context.Context, key string, data []byte) error {
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("image store: invalid key %q", key)
	}
	if _, err := os.Stat(p); err == nil {
		return nil // content-addressed: already there
	}
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("image store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}

// Get reads the file.
func (s *DirStore) Get(_ context.Context, key string) ([]byte, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p) // #nosec G304 -- key is checked against imageKeyRE
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return data, err
}

// Delete removes the file.
func (s *DirStore) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("image store: %w", err)
	}
	return nil
}

// MemStore is an ImageStore in memory, for tests.
type MemStore struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{files: map[string][]byte{}} }

// Put stores a copy of data.
func (s *MemStore) Put(_ context.Context, key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[key] = bytes.Clone(data)
	return nil
}

// Get returns the data or ErrNotFound.
func (s *MemStore) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.files[key]
	if !ok {
		return nil, ErrNotFound
	}
	return d, nil
}

// Delete forgets the key.
func (s *MemStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.files, key)
	return nil
}

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

// Images stores image metadata and, through an ImageStore, the files.
type Images struct {
	db    *db.DB
	Store ImageStore
}

// NewImages returns the image store over d and files.
func NewImages(d *db.DB, files ImageStore) *Images { return &Images{db: d, Store: files} }

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
	for utf8.RuneCountInString(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		name = "image"
	}
	return name
}

// Add stores the file and records it for the guide. data must have passed
// CheckImage (info is its result). Adding the same picture twice to a
// guide returns the existing row.
func (m *Images) Add(ctx context.Context, guideID int64, uploadedBy *int64, name string, data []byte, info ImageInfo) (Image, error) {
	if err := m.Store.Put(ctx, info.Key(), data); err != nil {
		return Image{}, err
	}
	var img Image
	err := m.db.GetWrite(ctx, &img, `
		INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (guide_id, sha256) DO UPDATE SET name = images.name
		RETURNING id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at`,
		guideID, CleanImageName(name), info.ContentType, info.Ext, len(data), info.Width, info.Height, info.SHA256, uploadedBy, now())
	if err != nil {
		return Image{}, fmt.Errorf("add image: %w", err)
	}
	return img, nil
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

// Delete removes the guide's image id, and the file when no guide uses it
// any more. An id of another guide is ErrNotFound.
func (m *Images) Delete(ctx context.Context, guideID, id int64) error {
	var key string
	var left int
	err := m.db.WithTx(ctx, func(ctx context.Context) error {
		var img Image
		err := m.db.GetWrite(ctx, &img, `
			DELETE FROM images WHERE id = ? AND guide_id = ?
			RETURNING id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at`, id, guideID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("delete image: %w", err)
		}
		key = img.Key()
		return m.db.GetWrite(ctx, &left, `SELECT count(*) FROM images WHERE sha256 = ?`, img.SHA256)
	})
	if err != nil {
		return err
	}
	if left == 0 {
		return m.Store.Delete(ctx, key)
	}
	return nil
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
	if !ValidImageKey(key) {
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
