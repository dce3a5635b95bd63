package passhash_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"stepwise/models/passhash"
)

// At most one argon2id hash or comparison runs per CPU, however many
// requests ask at once (each holds 19 MiB); the rest queue in their
// request's context, and one whose context ends stops waiting with the
// context's error, without hashing.
func TestHashingIsBoundedByCPUs(t *testing.T) {
	ctx := context.Background()
	hash, err := passhash.Hash(ctx, "a password") // hashed for real, before the hook
	if err != nil {
		t.Fatal(err)
	}
	slots := passhash.HashSlots()
	if slots != runtime.NumCPU() {
		t.Fatalf("hash slots: %d, want runtime.NumCPU() = %d", slots, runtime.NumCPU())
	}

	var running, peak, compared atomic.Int64
	entered := make(chan struct{}, 8*slots)
	release := make(chan struct{})
	hold := func() {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		entered <- struct{}{}
		<-release
		running.Add(-1)
	}
	restore := passhash.SetArgon2id(
		func(string, *argon2id.Params) (string, error) { hold(); return "hash", nil },
		func(string, string) (bool, error) { compared.Add(1); hold(); return false, nil },
	)
	defer restore()

	// Sign-ups, logins and password changes all ask at once: four per CPU.
	var wg sync.WaitGroup
	errs := make(chan error, 4*slots)
	for i := range 4 * slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				_, err = passhash.Hash(ctx, "a new password")
			case 1:
				_, err = passhash.Check(ctx, "a guess", passhash.DummyHash)
			default:
				_, err = passhash.Check(ctx, "a guess", hash)
			}
			errs <- err
		}()
	}
	for range slots { // every slot is taken...
		<-entered
	}

	// ...so a request whose context is cancelled gives up at once, and one
	// whose deadline passes gives up then; neither hashes.
	before := compared.Load()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := passhash.Hash(cancelled, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("hash with a cancelled context: %v, want context.Canceled", err)
	}
	short, stop := context.WithTimeout(ctx, 20*time.Millisecond)
	defer stop()
	if _, err := passhash.Check(short, "x", hash); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("check past the deadline: %v, want context.DeadlineExceeded", err)
	}
	if _, err := passhash.Check(short, "x", passhash.DummyHash); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("check against the dummy hash past the deadline: %v, want context.DeadlineExceeded", err)
	}
	if got := compared.Load(); got != before {
		t.Errorf("%d comparisons ran for requests that gave up", got-before)
	}

	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("queued hash: %v", err)
		}
	}
	if got := peak.Load(); got != int64(slots) {
		t.Errorf("peak concurrent hashes: %d, want %d (one per CPU)", got, slots)
	}
}

// The hash an unknown email is compared with costs what a real one does,
// so timing does not tell whether an email has an account.
func TestDummyHashUsesTodaysParameters(t *testing.T) {
	if passhash.NeedsRehash(passhash.DummyHash) {
		t.Errorf("the dummy hash was made with other parameters than passwords are")
	}
	p, _, _, err := argon2id.DecodeHash(passhash.DummyHash)
	if err != nil || p.Memory != 19*1024 || p.Iterations != 2 {
		t.Errorf("dummy hash parameters: %+v, %v", p, err)
	}
}

// A hash checks against its own password only, and a hash made with other
// parameters is upgraded at the next login.
func TestHashChecksAndRehashes(t *testing.T) {
	ctx := context.Background()
	hash, err := passhash.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := passhash.Check(ctx, "correct horse", hash); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := passhash.Check(ctx, "wrong horse", hash); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	if passhash.NeedsRehash(hash) {
		t.Error("a hash made today needs a rehash")
	}
	cheap, err := argon2id.CreateHash("correct horse", &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	if !passhash.NeedsRehash(cheap) {
		t.Error("a hash with other parameters does not need a rehash")
	}
}
