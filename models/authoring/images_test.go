package authoring_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"sync"
	"testing"
	"time"

	"stepwise/db"
	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/models/imagestore"
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

// heldStore is an in-memory Store that notes each Put or Delete made
// while the database's single writer was held, that is inside a
// transaction.
type heldStore struct {
	*imagestore.Mem
	d    *db.DB
	mu   sync.Mutex
	held []string
}

// probe notes op when the writer connection cannot be had at once.
func (s *heldStore) probe(op string) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	conn, err := s.d.W.Conn(ctx)
	if err != nil {
		s.mu.Lock()
		s.held = append(s.held, op)
		s.mu.Unlock()
		return
	}
	_ = conn.Close()
}

func (s *heldStore) Put(ctx context.Context, key string, data []byte) error {
	s.probe("put")
	return s.Mem.Put(ctx, key, data)
}

func (s *heldStore) Delete(ctx context.Context, key string) error {
	s.probe("delete")
	return s.Mem.Delete(ctx, key)
}

// TestImageFilesOutsideTransaction checks that the files are written and
// removed with the writer free, and removed only once no guide has them.
func TestImageFilesOutsideTransaction(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	files := &heldStore{Mem: imagestore.NewMem(), d: k.d}
	ops := authoring.New(k.d, k.m).WithImages(models.NewImages(k.d, files))
	pic := pngBytes(t, 2, 2)
	a, err := ops.UploadImage(k.ctx, k.owner, "draft", "a.png", pic)
	ok(t, err)
	b, err := ops.UploadImage(k.ctx, k.owner, "pub", "b.png", pic)
	ok(t, err)
	if !b.Created {
		t.Errorf("the picture is new to pub: %+v", b)
	}
	key := a.Image.Key()
	ok(t, ops.DeleteImage(k.ctx, k.owner, "draft", a.Image.ID))
	if _, err := files.Get(k.ctx, key); err != nil {
		t.Errorf("file gone while pub still has it: %v", err)
	}
	ok(t, ops.DeleteImage(k.ctx, k.owner, "pub", b.Image.ID))
	if _, err := files.Get(k.ctx, key); err == nil {
		t.Error("file kept after the last guide's image was deleted")
	}
	// A refused upload leaves no file behind.
	_, err = ops.UploadImage(k.ctx, k.learner, "pub", "c.png", pngBytes(t, 3, 3))
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
	if files.held != nil {
		t.Errorf("file operations with the writer held: %v", files.held)
	}
}
