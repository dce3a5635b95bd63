package models_test

import (
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

// newSealer seals under current and opens under current and old.
func newSealer(t *testing.T, current []byte, old ...[]byte) *secretbox.Sealer {
	t.Helper()
	s, err := secretbox.New(current, old...)
	if err != nil {
		t.Fatalf("new sealer: %v", err)
	}
	return s
}
