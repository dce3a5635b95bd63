// Package imagestore decides from their bytes which uploaded images
// Stepwise accepts (Check), names them by content (Info.Key) and keeps
// the files (Store: a local directory, or memory in tests). The image
// rows, which guide uses which file, are the models package's.
package imagestore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig
	"net/http"
	"regexp"
	"strings"

	_ "golang.org/x/image/webp" // registers WebP for image.DecodeConfig
)

// Image limits: what an upload (or an imported archive's image) may be.
const (
	MaxBytes  = 5 << 20 // 5 MiB per file
	MaxSide   = 8000    // pixels, width and height each
	MaxPixels = 40_000_000
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

// ValidKey reports whether key is a stored image's name.
func ValidKey(key string) bool { return imageKeyRE.MatchString(key) }

// ContentTypeOf returns the content type an image key is served with.
func ContentTypeOf(key string) string {
	ext := key[strings.LastIndexByte(key, '.')+1:]
	for ct, e := range imageTypes {
		if e == ext {
			return ct
		}
	}
	return "application/octet-stream"
}

// Info is what Check learns from a file's content.
type Info struct {
	ContentType string
	Ext         string
	Width       int
	Height      int
	SHA256      string
}

// Key is the image's content address: its sha256 and extension.
func (i Info) Key() string { return i.SHA256 + "." + i.Ext }

// ErrBadImage is wrapped by every refusal of Check; the message is
// fit to show the user.
var ErrBadImage = errors.New("bad image")

// Check decides from the bytes alone (never the file name) whether
// data is an image Stepwise accepts: PNG, JPEG, GIF or WebP, at most
// MaxBytes, MaxSide on each side and MaxPixels in all. Only
// the header is decoded, so a huge image is refused before any pixel is.
func Check(data []byte) (Info, error) {
	if len(data) == 0 {
		return Info{}, fmt.Errorf("%w: the file is empty", ErrBadImage)
	}
	if len(data) > MaxBytes {
		return Info{}, fmt.Errorf("%w: the file is larger than 5 MB", ErrBadImage)
	}
	ct := http.DetectContentType(data)
	ext, ok := imageTypes[ct]
	if !ok {
		return Info{}, fmt.Errorf("%w: only PNG, JPEG, GIF and WebP images are accepted", ErrBadImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || imageTypes["image/"+format] != ext {
		return Info{}, fmt.Errorf("%w: the image could not be read", ErrBadImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Info{}, fmt.Errorf("%w: the image may be at most 8000×8000 pixels and 40 megapixels", ErrBadImage)
	}
	sum := sha256.Sum256(data)
	return Info{ContentType: ct, Ext: ext, Width: cfg.Width, Height: cfg.Height, SHA256: hex.EncodeToString(sum[:])}, nil
}
