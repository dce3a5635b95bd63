package secretbox_test

import (
	"bytes"
	"testing"
)

// A derived key is what every instance with the same secret key computes
// (so a cluster agrees on it), differs per purpose and per secret key, and
// does not depend on the old keys kept for opening.
func TestSealerDeriveKey(t *testing.T) {
	t.Parallel()
	current, other, old := newKey(t), newKey(t), newKey(t)
	a := newSealer(t, current).DeriveKey("csrf")
	if len(a) != 32 {
		t.Fatalf("derived key: got %d bytes, want 32", len(a))
	}
	if b := newSealer(t, current, old).DeriveKey("csrf"); !bytes.Equal(a, b) {
		t.Error("another instance with the same secret key (and an old key) derives another key")
	}
	if bytes.Equal(a, current) {
		t.Error("the derived key is the secret key itself")
	}
	if bytes.Equal(a, newSealer(t, current).DeriveKey("device")) {
		t.Error("two purposes derive the same key")
	}
	if bytes.Equal(a, newSealer(t, other, current).DeriveKey("csrf")) {
		t.Error("a rotated secret key derives the same key")
	}
}
