package models_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"stepwise/models"
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

func TestImagesSharedFileIsDeletedWithItsLastUse(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	store := imagestore.NewMem()
	imgs := models.NewImages(m.DB(), store)
	a := seedGuide(t, m, "first", 1)
	b := seedGuide(t, m, "second", 1)
	data := testPNG(t, 5, 5)
	info, _ := imagestore.Check(data)
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
	if _, err := store.Get(ctx, info.Key()); !errors.Is(err, imagestore.ErrNotFound) {
		t.Errorf("file after its last use: got %v, want ErrNotFound", err)
	}
}

// A file name is kept to its last path element and 100 characters, without
// control characters or broken UTF-8, however long the client made it.
func TestCleanImageName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 150)
	for _, tc := range []struct{ in, want string }{
		{"photo.png", "photo.png"},
		{`C:\Users\ada\photo.png`, "photo.png"},
		{"../../etc/passwd", "passwd"},
		{" a\x00b\x1fc\x7f.png ", "abc.png"},
		{"bad\xffname.png", "badname.png"},
		{"/", "image"},
		{"", "image"},
		{long, strings.Repeat("é", 100)},
		{strings.Repeat("x", 5<<20) + "é", strings.Repeat("x", 100)},
	} {
		if got := models.CleanImageName(tc.in); got != tc.want {
			t.Errorf("CleanImageName(%.40q) = %.40q (%d bytes), want %.40q", tc.in, got, len(got), tc.want)
		}
	}
}
