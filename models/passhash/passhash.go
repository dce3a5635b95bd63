// Package passhash hashes and checks passwords with argon2id at OWASP's
// recommended settings, at most one hash per CPU at a time.
package passhash

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/alexedwards/argon2id"
)

// productionParams are OWASP's recommended argon2id settings (19
// MiB of memory, two passes, one lane).
var productionParams = argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// params are the settings new hashes are made with: always the production
// ones, except in test binaries that ask for cheap ones.
var params atomic.Pointer[argon2id.Params]

func init() { params.Store(&productionParams) }

// UseCheapHashingInTests makes every later hash in this process nearly
// free (64 KiB, one pass). Test harnesses that sign many people up call
// it, so a test of anything else does not spend 19 MiB and tens of
// milliseconds per password; the production settings keep their own tests
// (passhash_test.go, and every binary that never calls this). Never call
// it outside tests.
func UseCheapHashingInTests() {
	params.Store(&argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
}

// Every argon2id hash or comparison takes one of these slots, one per CPU:
// each holds 19 MiB while it runs and cannot run faster than a core, so
// more at once only adds memory (40 concurrent sign-ups reached 1.19 GB
// RSS). The rest queue for a slot until their context ends; a request's
// context has the request deadline, so a flood is answered 503 rather than
// piling up hashes.
var hashSlots = make(chan struct{}, runtime.NumCPU())

// The argon2id functions, replaced in tests to observe concurrency.
var (
	argonCreate  = argon2id.CreateHash
	argonCompare = argon2id.ComparePasswordAndHash
)

// withHashSlot runs fn once a hashing slot is free, or returns ctx.Err()
// if ctx ends first (without running fn).
func withHashSlot(ctx context.Context, fn func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	fn()
	return nil
}

// Hash returns an encoded argon2id hash of password, waiting for a
// hashing slot (see withHashSlot).
func Hash(ctx context.Context, password string) (string, error) {
	var hash string
	var err error
	if serr := withHashSlot(ctx, func() { hash, err = argonCreate(password, params.Load()) }); serr != nil {
		return "", serr
	}
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// DummyHash is compared against when an email is unknown, so a failed
// login takes as long whether or not the account exists. It is a fixed
// hash made with the production parameters (a test keeps them in step), so
// no process spends a hash, or 19 MiB, making it.
const DummyHash = "$argon2id$v=19$m=19456,t=2,p=1$euD/4kogtfuZldt1ep09Qw$8b9icL9UC6rkc9lTZ++/0UxiBlWRKp/rWKl95020y8I"

// Check reports whether password matches the encoded hash, waiting for a
// hashing slot. An error (the context's) means the check did not run.
func Check(ctx context.Context, password, hash string) (bool, error) {
	var ok bool
	var err error
	if serr := withHashSlot(ctx, func() { ok, err = argonCompare(password, hash) }); serr != nil {
		return false, serr
	}
	return err == nil && ok, nil
}

// NeedsRehash reports whether hash was made with other parameters than
// today's, so a successful login can upgrade it.
func NeedsRehash(hash string) bool {
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false
	}
	want := params.Load()
	return p.Memory != want.Memory || p.Iterations != want.Iterations ||
		p.Parallelism != want.Parallelism || p.KeyLength != want.KeyLength
}
