package db

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestFirstUseWritesNeverDeadlock reproduces the pattern that once hung
// every write for good: right after start, many goroutines run statements
// nobody has prepared yet, some inside WithTx (which holds the only writer
// connection) and some outside it (which must wait for that connection).
// A statement cache that waited for the connection while holding its lock
// blocked the transactions that needed the same lock to finish.
// Each round is a fresh database; any write still running after the bound
// fails the test.
func TestFirstUseWritesNeverDeadlock(t *testing.T) {
	t.Parallel()
	const (
		rounds  = 15
		writers = 24
		bound   = 10 * time.Second
	)
	for r := range rounds {
		d, err := Open(filepath.Join(t.TempDir(), fmt.Sprintf("r%d.db", r)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, g INTEGER, v INTEGER)`); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*3)
		start := make(chan struct{})
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ctx := context.Background()
				// Every query text is new, so every call misses the cache.
				if g%2 == 0 {
					errs <- d.WithTx(ctx, func(ctx context.Context) error {
						if _, err := d.Exec(ctx, fmt.Sprintf(`INSERT INTO t (g, v) VALUES (?, %d)`, g), g); err != nil {
							return err
						}
						var n int
						return d.Get(ctx, &n, fmt.Sprintf(`SELECT count(*) + %d FROM t WHERE g = ?`, g), g)
					})
					return
				}
				_, err := d.Exec(ctx, fmt.Sprintf(`INSERT INTO t (g, v) VALUES (?, %d)`, g), g)
				errs <- err
				var n int
				errs <- d.Get(ctx, &n, fmt.Sprintf(`SELECT count(*) + %d FROM t`, g))
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		close(start)
		select {
		case <-done:
		case <-time.After(bound):
			t.Fatalf("round %d of %d: writes still running after %s: the writer is deadlocked", r+1, rounds, bound)
		}
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", r+1, err)
			}
		}
		var n int
		if err := d.R.Get(&n, `SELECT count(*) FROM t`); err != nil || n != writers {
			t.Fatalf("round %d: %d rows (%v), want %d", r+1, n, err, writers)
		}
		closed := make(chan error, 1)
		go func() { closed <- d.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(bound):
			t.Fatalf("round %d: Close still waiting after %s", r+1, bound)
		}
	}
}
