package secretbox_test

import (
	"bytes"
	"errors"
	"testing"

	"stepwise/models/secretbox"
)

// newKey is a random sealing key.
func newKey(t *testing.T) []byte {
	t.Helper()
	k, err := secretbox.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newSealer(t *testing.T, current []byte, old ...[]byte) *secretbox.Sealer {
	t.Helper()
	s, err := secretbox.New(current, old...)
	if err != nil {
		t.Fatalf("new sealer: %v", err)
	}
	return s
}

func TestSealerRoundTrip(t *testing.T) {
	t.Parallel()
	s := newSealer(t, newKey(t))
	plain, ad := []byte("JBSWY3DPEHPK3PXP"), []byte("users.totp_secret:1")
	sealed, err := s.Seal(plain, ad)
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	if bytes.Contains(sealed, plain) {
		t.Errorf("sealed value contains the plaintext")
	}
	got, err := s.Open(sealed, ad)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: got %q, %v; want %q", got, err, plain)
	}
	// A fresh nonce every time: the same secret never seals the same way.
	again, _ := s.Seal(plain, ad)
	if bytes.Equal(sealed, again) {
		t.Errorf("two seals of the same value are identical")
	}
	if !s.Current(sealed) {
		t.Errorf("Current: got false for a value sealed under the current key")
	}
}

func TestSealerDetectsTampering(t *testing.T) {
	t.Parallel()
	s := newSealer(t, newKey(t))
	ad := []byte("users.totp_secret:1")
	sealed, err := s.Seal([]byte("a secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := s.Open(bad, ad); err == nil {
			t.Errorf("byte %d flipped: Open succeeded", i)
		}
	}
	for _, n := range []int{0, 1, 5, 17, len(sealed) - 1} {
		if _, err := s.Open(sealed[:n], ad); err == nil {
			t.Errorf("truncated to %d bytes: Open succeeded", n)
		}
	}
	// Another record's associated data: a value moved between rows.
	if _, err := s.Open(sealed, []byte("users.totp_secret:2")); !errors.Is(err, secretbox.ErrBroken) {
		t.Errorf("other associated data: got %v, want ErrBroken", err)
	}
}

func TestSealerWrongKey(t *testing.T) {
	t.Parallel()
	sealed, err := newSealer(t, newKey(t)).Seal([]byte("a secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newSealer(t, newKey(t)).Open(sealed, nil); !errors.Is(err, secretbox.ErrKeyUnknown) {
		t.Errorf("wrong key: got %v, want ErrKeyUnknown", err)
	}
}

func TestSealerOldKeyStillOpens(t *testing.T) {
	t.Parallel()
	oldKey, currentKey := newKey(t), newKey(t)
	sealed, err := newSealer(t, oldKey).Seal([]byte("a secret"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	rotated := newSealer(t, currentKey, oldKey)
	got, err := rotated.Open(sealed, []byte("ad"))
	if err != nil || string(got) != "a secret" {
		t.Fatalf("open under an old key: got %q, %v", got, err)
	}
	if rotated.Current(sealed) {
		t.Errorf("Current: got true for a value under an old key")
	}
	resealed, err := rotated.Seal(got, []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	// Once re-sealed, the old key can be dropped.
	if _, err := newSealer(t, currentKey).Open(resealed, []byte("ad")); err != nil {
		t.Errorf("re-sealed value under the new key alone: %v", err)
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	t.Parallel()
	if _, err := secretbox.New(make([]byte, 16)); err == nil {
		t.Errorf("16-byte key: got no error")
	}
	if _, err := secretbox.New(newKey(t), []byte("short")); err == nil {
		t.Errorf("short old key: got no error")
	}
}
