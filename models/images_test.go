package models_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stepwise/models"
)

// testPNG is a w×h PNG made in the test.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testWebP is a 1×1 lossless WebP (Go has no WebP encoder).
var testWebP, _ = base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")

// pngHeader is a PNG whose header claims w×h and whose pixels are absent:
// enough to prove the size is refused from the header alone.
func pngHeader(t testing.TB, w, h int) []byte {
	t.Helper()
	b := testPNG(t, 1, 1)
	// IHDR's width and height follow the 8-byte signature, the chunk
	// length and type (16 bytes in all); its CRC follows the 13 bytes of
	// data.
	out := bytes.Clone(b)
	put := func(off, v int) {
		out[off], out[off+1], out[off+2], out[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, w)
	put(20, h)
	put(29, int(crc32.ChecksumIEEE(out[12:29]))) // IHDR's CRC: type and data
	return out
}

func TestCheckImage(t *testing.T) {
	var jp, gf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	if err := jpeg.Encode(&jp, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		ct   string
		ext  string
	}{
		{"png", testPNG(t, 4, 3), "image/png", "png"},
		{"jpeg", jp.Bytes(), "image/jpeg", "jpg"},
		{"gif", gf.Bytes(), "image/gif", "gif"},
		{"webp", testWebP, "image/webp", "webp"},
	} {
		info, err := models.CheckImage(tc.data)
		if err != nil || info.ContentType != tc.ct || info.Ext != tc.ext || info.Width == 0 || len(info.SHA256) != 64 {
			t.Errorf("%s: got %+v, %v", tc.name, info, err)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("hello, this is not an image")},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"html", []byte(`<!DOCTYPE html><script>alert(1)</script>`)},
		{"truncated png", testPNG(t, 4, 4)[:20]},
		{"too wide", pngHeader(t, 9000, 10)},
		{"too many pixels", pngHeader(t, 7000, 7000)},
		{"too large", append(testPNG(t, 1, 1), make([]byte, models.MaxImageBytes)...)},
	} {
		if _, err := models.CheckImage(tc.data); !errors.Is(err, models.ErrBadImage) {
			t.Errorf("%s: got %v, want ErrBadImage", tc.name, err)
		}
	}
}

func TestDirStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "images")
	s, err := models.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := testPNG(t, 2, 2)
	info, _ := models.CheckImage(data)
	if err := s.Put(ctx, info.Key(), data); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, info.Key()))
	if err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("stored file: %v, mode %v; want readable by the owner only", err, fi.Mode())
	}
	got, err := s.Get(ctx, info.Key())
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("get: %v", err)
	}
	for _, bad := range []string{"../secret.key", "x.png", info.SHA256 + ".svg", "/etc/passwd"} {
		if _, err := s.Get(ctx, bad); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("get %q: got %v, want ErrNotFound", bad, err)
		}
		if err := s.Put(ctx, bad, data); err == nil {
			t.Errorf("put %q: got no error", bad)
		}
	}
	if err := s.Delete(ctx, info.Key()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, info.Key()); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("after delete: got %v", err)
	}
}

func TestImagesSharedFileIsDeletedWithItsLastUse(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	store := models.NewMemStore()
	imgs := models.NewImages(m.DB(), store)
	a := seedGuide(t, m, "first", 1)
	b := seedGuide(t, m, "second", 1)
	data := testPNG(t, 5, 5)
	info, _ := models.CheckImage(data)
	ia, err := imgs.Add(ctx, a.ID, nil, "../../dir/Diagram [1].png", data, info)
	if err != nil {
		t.Fatal(err)
	}
	if ia.Name != "Diagram [1].png" || ia.Markdown() != "![Diagram 1](/images/"+info.Key()+")" {
		t.Errorf("name %q, markdown %q", ia.Name, ia.Markdown())
	}
	again, err := imgs.Add(ctx, a.ID, nil, "other.png", data, info)
	if err != nil || again.ID != ia.ID {
		t.Errorf("same picture twice: got id %d (%v), want %d", again.ID, err, ia.ID)
	}
	ib, err := imgs.Add(ctx, b.ID, nil, "copy.png", data, info)
	if err != nil {
		t.Fatal(err)
	}
	uses, err := imgs.Uses(ctx, info.Key(), 0)
	if err != nil || len(uses) != 2 {
		t.Errorf("uses: got %d, %v; want 2", len(uses), err)
	}
	if err := imgs.Delete(ctx, b.ID, ia.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("delete another guide's image: got %v, want ErrNotFound", err)
	}
	if err := imgs.Delete(ctx, a.ID, ia.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, info.Key()); err != nil {
		t.Errorf("file still used by the second guide: %v", err)
	}
	if err := imgs.Delete(ctx, b.ID, ib.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, info.Key()); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("file after its last use: got %v, want ErrNotFound", err)
	}
}

func TestSanitizerKeepsImageURLs(t *testing.T) {
	key := strings.Repeat("ab", 32) + ".png"
	html, err := models.RenderMarkdown("![A diagram](/images/" + key + ")\n\n![x](javascript:alert(1))\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, `<img src="/images/`+key+`" alt="A diagram"`) {
		t.Errorf("image URL not kept: %s", html)
	}
	if strings.Contains(html, "javascript:") {
		t.Errorf("javascript URL kept: %s", html)
	}
}

func TestCheckImageRefusesDimensionsFromTheHeader(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		ok   bool
	}{{8000, 5000, true}, {8001, 10, false}, {10, 8001, false}, {7000, 7000, false}} {
		_, err := models.CheckImage(pngHeader(t, tc.w, tc.h))
		if tc.ok && err != nil || !tc.ok && (err == nil || !strings.Contains(err.Error(), "8000×8000")) {
			t.Errorf("%d×%d: got %v", tc.w, tc.h, err)
		}
	}
}
