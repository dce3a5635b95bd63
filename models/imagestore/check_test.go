package imagestore_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"stepwise/models/imagestore"
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

func TestCheck(t *testing.T) {
	t.Parallel()
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
		info, err := imagestore.Check(tc.data)
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
		{"too large", append(testPNG(t, 1, 1), make([]byte, imagestore.MaxBytes)...)},
	} {
		if _, err := imagestore.Check(tc.data); !errors.Is(err, imagestore.ErrBadImage) {
			t.Errorf("%s: got %v, want ErrBadImage", tc.name, err)
		}
	}
}

func TestCheckRefusesDimensionsFromTheHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w, h int
		ok   bool
	}{{8000, 5000, true}, {8001, 10, false}, {10, 8001, false}, {7000, 7000, false}} {
		_, err := imagestore.Check(pngHeader(t, tc.w, tc.h))
		if tc.ok && err != nil || !tc.ok && (err == nil || !strings.Contains(err.Error(), "8000×8000")) {
			t.Errorf("%d×%d: got %v", tc.w, tc.h, err)
		}
	}
}
