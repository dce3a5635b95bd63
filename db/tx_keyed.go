package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
)

// advisoryClass is the first half of the PostgreSQL advisory lock key
// WithTxFor takes; the second is the caller's key. Migrations take a
// one-key lock of their own, a separate key space.
const advisoryClass = 0x5374 // "St"

// WithTxFor is WithTx for a transaction that belongs to one party — a
// learner's progress, notes and quiz answers — and that the party's own
// requests often run at once (a double click, a retrying client, a script).
// On PostgreSQL such transactions would all fail to serialize against
// each other and be retried; WithTxFor has them wait in turn instead: it
// takes an advisory lock on key before the transaction begins (so its
// snapshot is taken after the previous holder committed) and lets it go
// after the commit. Within one instance the callers of a key queue before
// they take a connection (keyLocks), so a burst holds one connection per
// instance, not the pool. Transactions of different keys still run at once under
// SERIALIZABLE, with WithTx's retries. On SQLite, whose single writer runs
// every transaction in turn, it is WithTx.
func (d *DB) WithTxFor(ctx context.Context, key int64, fn func(ctx context.Context) error) error {
	if txFrom(ctx) != nil || d.Dialect() != Postgres {
		return d.WithTx(ctx, fn)
	}
	// Queued here first, without a connection: the pool is small, and
	// one party's burst must not hold it all while it waits on itself.
	unlock, err := d.keyed.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	conn, err := d.W.Connx(ctx)
	if err != nil {
		return fmt.Errorf("db: connection: %w", err)
	}
	defer conn.Close()
	// The int4 pair form: a key past 2³¹ folds onto another's, which only
	// makes the two wait for each other.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2)`, advisoryClass, int32(key)); err != nil { // #nosec G115 -- folding is harmless, see above
		return fmt.Errorf("db: lock %d: %w", key, d.health.note(err))
	}
	defer func() {
		// A session lock lives as long as the connection: one that could
		// not be let go must not return to the pool holding it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, advisoryClass, int32(key)); err != nil { // #nosec G115 -- as above
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	serializable := &sql.TxOptions{Isolation: sql.LevelSerializable}
	for attempt := 1; ; attempt++ {
		err := d.runTxOn(ctx, conn.BeginTxx, serializable, fn)
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		d.retries.Add(1)
		if err := pause(ctx, attempt); err != nil {
			return err
		}
	}
}
