package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"stepwise/db"
)

// TestPostgresWithTxForQueuesOneKey: twenty read-then-write increments of
// one party's counter, at once, on two pools (two instances). WithTxFor
// has them wait for each other rather than fail to serialize: none is
// lost and none is retried. A transaction of another key runs meanwhile,
// requests queued for a held key leave the pool free, and a failed
// transaction lets the key go.
func TestPostgresWithTxForQueuesOneKey(t *testing.T) {
	t.Parallel()
	a, b := twoPoolsWithCounters(t, 7, 8)
	ctx := context.Background()
	// increment is incrementer in WithTxFor, first waiting for hold (if
	// any) while it holds the key.
	increment := func(d *db.DB, key int64, hold <-chan struct{}) error {
		return d.WithTxFor(ctx, key, func(ctx context.Context) error {
			if hold != nil {
				<-hold
			}
			return incrementer(d, int(key))(ctx)
		})
	}

	// Key 7 is held while key 8's transaction runs to its end.
	hold := make(chan struct{})
	held := make(chan error, 1)
	go func() { held <- increment(a, 7, hold) }()
	other := make(chan error, 1)
	go func() { other <- increment(b, 8, nil) }()
	select {
	case err := <-other:
		if err != nil {
			t.Fatalf("key 8 while key 7 is held: %v", err)
		}
	case <-time.After(20 * time.Second): // liveness only
		t.Fatal("key 8 waited for key 7")
	}
	// More requests for the held key than the pool has connections: they
	// queue without one, so the pool still serves a plain read.
	queued := make(chan error, 10)
	for range 10 {
		go func() { queued <- increment(a, 7, nil) }()
	}
	time.Sleep(50 * time.Millisecond) // let them queue
	read, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var got int
	if err := a.Get(read, &got, `SELECT n FROM counter WHERE k = 8`); err != nil || got != 1 {
		t.Fatalf("a read while ten requests wait for key 7: %d, %v", got, err)
	}
	close(hold)
	for range 10 {
		if err := <-queued; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}

	// A failed transaction lets the key go.
	boom := errors.New("boom")
	if err := a.WithTxFor(ctx, 7, func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing transaction: %v", err)
	}

	const n = 20
	atOnce(t, a, b, n, func(d *db.DB) error { return increment(d, 7, nil) })
	if got := counter(t, a, 7); got != n+11 {
		t.Errorf("counter after %d increments: %d, want %d", n+11, got, n+11)
	}
	if r := a.TxRetries() + b.TxRetries(); r != 0 {
		t.Errorf("%d transactions of one key were retried, want them queued instead", r)
	}
}
