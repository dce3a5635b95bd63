package authoring_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"stepwise/models"
)

// pngBytes is a w×h PNG.
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadImage(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	pic := pngBytes(t, 3, 2)
	up, err := k.ops.UploadImage(k.ctx, k.co, "draft", "diagram.png", pic)
	if err != nil || !up.Created || up.Image.Width != 3 || up.Image.Name != "diagram.png" {
		t.Fatalf("uploaded %+v, %v", up, err)
	}
	// The same picture again is the same row.
	again, err := k.ops.UploadImage(k.ctx, k.owner, "draft", "copy.png", pic)
	if err != nil || again.Created || again.Image.ID != up.Image.ID {
		t.Errorf("again %+v, %v", again, err)
	}
	_, err = k.ops.UploadImage(k.ctx, k.owner, "draft", "notes.png", []byte("not a picture"))
	invalidOn(t, err, "image")
	_, err = k.ops.UploadImage(k.ctx, k.learner, "pub", "mine.png", pic)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
	_, err = k.ops.UploadImage(k.ctx, k.other, "draft", "mine.png", pic)
	refused(t, err, models.RefusedNotFound, "guide_not_found")
}

func TestDeleteImage(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	up, err := k.ops.UploadImage(k.ctx, k.owner, "draft", "a.png", pngBytes(t, 1, 1))
	ok(t, err)
	refused(t, k.ops.DeleteImage(k.ctx, k.owner, "pub", up.Image.ID), models.RefusedNotFound, "image_not_found")
	refused(t, k.ops.DeleteImage(k.ctx, k.other, "draft", up.Image.ID), models.RefusedNotFound, "guide_not_found")
	refused(t, k.ops.DeleteImage(k.ctx, k.learner, "pub", up.Image.ID), models.RefusedForbidden, "guide_not_editable")
	ok(t, k.ops.DeleteImage(k.ctx, k.co, "draft", up.Image.ID))
	refused(t, k.ops.DeleteImage(k.ctx, k.co, "draft", up.Image.ID), models.RefusedNotFound, "image_not_found")
}
