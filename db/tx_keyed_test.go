package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"stepwise/db"
)

// TestPostgresWithTxForQueuesOneKey: twenty read-then-write increments of
// one party's counter, at once, on two pools (two instances). WithTxFor
// has them wait for each other rather than fail to serialize: none is
// lost and none is retried. A transaction of another key runs meanwhile,
// and a failed transaction lets the key go.
func TestPostgresWithTxForQueuesOneKey(t *testing.T) {
	t.Parallel()
	a, url := openPostgres(t)
	b, err := db.Open(url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	ctx := context.Background()
	if _, err := a.Exec(ctx, `CREATE TABLE counter (k INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(ctx, `INSERT INTO counter (k, n) VALUES (7, 0), (8, 0)`); err != nil {
		t.Fatal(err)
	}
	increment := func(d *db.DB, key int64, hold <-chan struct{}) error {
		return d.WithTxFor(ctx, key, func(ctx context.Context) error {
			var v int
			if err := d.Get(ctx, &v, `SELECT n FROM counter WHERE k = ?`, key); err != nil {
				return err
			}
			if hold != nil {
				<-hold
			}
			time.Sleep(time.Millisecond) // let the others try to read the same value
			_, err := d.Exec(ctx, `UPDATE counter SET n = ? WHERE k = ?`, v+1, key)
			return err
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
	close(hold)
	if err := <-held; err != nil {
		t.Fatal(err)
	}

	// A failed transaction lets the key go.
	boom := errors.New("boom")
	if err := a.WithTxFor(ctx, 7, func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing transaction: %v", err)
	}

	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		d := a
		if i%2 == 1 {
			d = b
		}
		wg.Go(func() { errs <- increment(d, 7, nil) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	var got int
	if err := a.Get(ctx, &got, `SELECT n FROM counter WHERE k = 7`); err != nil {
		t.Fatal(err)
	}
	if got != n+1 {
		t.Errorf("counter after %d increments: %d, want %d", n+1, got, n+1)
	}
	if r := a.TxRetries() + b.TxRetries(); r != 0 {
		t.Errorf("%d transactions of one key were retried, want them queued instead", r)
	}
}
