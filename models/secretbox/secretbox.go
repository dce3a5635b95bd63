// Package secretbox seals small secrets for storage (TOTP secrets, webhook
// signing secrets) with AES-256-GCM under a current key, opens values
// sealed under old keys too so keys can rotate, and derives per-purpose
// keys (such as the CSRF signing key) from the current one.
package secretbox

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// KeySize is the length of a sealing key: AES-256.
const KeySize = 32

// A sealed value is laid out as
//
//	version (1 byte) | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag
//
// The key id names the key that sealed the value, so Open picks it from
// the current and old keys directly, and a value sealed under a retired
// key says so instead of failing as if it were tampered with. The header
// is authenticated along with the caller's associated data.
const (
	sealVersion    = 1
	sealKeyIDSize  = 4
	sealHeaderSize = 1 + sealKeyIDSize
)

// Errors from Open.
var (
	// ErrBroken: the value was altered, truncated, or sealed for
	// other associated data.
	ErrBroken = errors.New("sealed value does not open: altered or not for this record")
	// ErrKeyUnknown: the value was sealed under a key that is not
	// configured (neither current nor old).
	ErrKeyUnknown = errors.New("sealed value is under a key that is not configured")
)

// Sealer encrypts small secrets for storage with AES-256-GCM under the
// current key, and opens values sealed under the current key or any old
// one, so keys can be rotated without losing what was stored.
type Sealer struct {
	keys    []sealKey // keys[0] is the current key; the rest only open
	current []byte    // the current key, for DeriveKey
}

type sealKey struct {
	id   [sealKeyIDSize]byte
	aead cipher.AEAD
}

// NewKey returns a new random key of KeySize bytes.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("generate secret key: %w", err)
	}
	return k, nil
}

// New returns a sealer that seals under current and opens under current
// and old. Every key must be KeySize bytes.
func New(current []byte, old ...[]byte) (*Sealer, error) {
	s := &Sealer{current: bytes.Clone(current)}
	for i, k := range append([][]byte{current}, old...) {
		if len(k) != KeySize {
			return nil, fmt.Errorf("secret key %d: got %d bytes, want %d", i, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("secret key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret key %d: %w", i, err)
		}
		id := sealKeyID(k)
		if s.key(id) != nil {
			continue // the same key listed twice
		}
		s.keys = append(s.keys, sealKey{id: id, aead: aead})
	}
	return s, nil
}

// DeriveKey returns a KeySize key for purpose (such as signing CSRF
// tokens), HMAC-SHA256 of the purpose under the current key: each use gets
// a key of its own, and every instance configured with the same secret key
// derives the same one. Rotating the secret key changes it.
func (s *Sealer) DeriveKey(purpose string) []byte {
	m := hmac.New(sha256.New, s.current)
	m.Write([]byte("stepwise derived key\x00" + purpose))
	return m.Sum(nil)
}

// sealKeyID names a key without revealing it: a prefix of a labelled
// SHA-256 of the key.
func sealKeyID(k []byte) [sealKeyIDSize]byte {
	sum := sha256.Sum256(append([]byte("stepwise sealing key id\x00"), k...))
	var id [sealKeyIDSize]byte
	copy(id[:], sum[:])
	return id
}

func (s *Sealer) key(id [sealKeyIDSize]byte) *sealKey {
	for i := range s.keys {
		if s.keys[i].id == id {
			return &s.keys[i]
		}
	}
	return nil
}

// Seal encrypts plaintext under the current key. associated is bound to
// the result without being stored in it (such as the record the value
// belongs to), so a sealed value copied to another record does not open.
func (s *Sealer) Seal(plaintext, associated []byte) ([]byte, error) {
	k := s.keys[0]
	out := make([]byte, sealHeaderSize, sealHeaderSize+k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	out[0] = sealVersion
	copy(out[1:], k.id[:])
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, plaintext, sealAD(out[:sealHeaderSize], associated)), nil
}

// Open decrypts a value made by Seal with the same associated data.
func (s *Sealer) Open(sealed, associated []byte) ([]byte, error) {
	if len(sealed) < sealHeaderSize || sealed[0] != sealVersion {
		return nil, ErrBroken
	}
	var id [sealKeyIDSize]byte
	copy(id[:], sealed[1:sealHeaderSize])
	k := s.key(id)
	if k == nil {
		return nil, ErrKeyUnknown
	}
	rest := sealed[sealHeaderSize:]
	if len(rest) < k.aead.NonceSize()+k.aead.Overhead() {
		return nil, ErrBroken
	}
	nonce, ciphertext := rest[:k.aead.NonceSize()], rest[k.aead.NonceSize():]
	plain, err := k.aead.Open(nil, nonce, ciphertext, sealAD(sealed[:sealHeaderSize], associated))
	if err != nil {
		return nil, ErrBroken
	}
	return plain, nil
}

// Current reports whether sealed was sealed under the current key; a
// value under an old key is re-sealed when keys rotate.
func (s *Sealer) Current(sealed []byte) bool {
	return len(sealed) >= sealHeaderSize && sealed[0] == sealVersion &&
		bytes.Equal(sealed[1:sealHeaderSize], s.keys[0].id[:])
}

// sealAD is the data GCM authenticates besides the ciphertext: the
// header, then the caller's associated data.
func sealAD(header, associated []byte) []byte {
	return append(append(make([]byte, 0, len(header)+len(associated)), header...), associated...)
}
