package db

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// keyLocks: one holder per key, other keys free, a waiter gives up with
// its context, and nothing is kept once nobody holds or waits.
func TestKeyLocks(t *testing.T) {
	var k keyLocks
	ctx := context.Background()
	unlock, err := k.lock(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	other, err := k.lock(ctx, 2)
	if err != nil {
		t.Fatalf("key 2 while key 1 is held: %v", err)
	}
	other()

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := k.lock(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second holder of key 1: %v, want the context's end", err)
	}

	// Waiters run one at a time, each after the one before let go.
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			u, err := k.lock(ctx, 1)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			u()
		})
	}
	unlock()
	wg.Wait()
	if most != 1 {
		t.Errorf("%d holders of one key at once, want 1", most)
	}
	if n := k.len(); n != 0 {
		t.Errorf("%d keys kept after everyone left, want 0", n)
	}
}
