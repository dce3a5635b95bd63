package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Limit says how failures slow a key down and then lock it.
type Limit struct {
	Free      int           // failures allowed before any delay
	Base      time.Duration // the first delay; each further failure doubles it
	Max       time.Duration // the longest growing delay
	LockAfter int           // failures that lock the key for LockFor
	LockFor   time.Duration
	Window    time.Duration // failures older than this are forgotten
}

// Limits for guessing secrets: per account (keyed by the email typed, so
// the answer is the same whether or not it is registered) and per client
// address, which allows more because addresses are shared.
var (
	AccountLimit = Limit{Free: 3, Base: time.Second, Max: time.Minute, LockAfter: 10, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
	AddressLimit = Limit{Free: 20, Base: time.Second, Max: time.Minute, LockAfter: 100, LockFor: 15 * time.Minute, Window: 15 * time.Minute}
)

// delay is how long a key must wait after its nth failure.
func (l Limit) delay(n int) time.Duration {
	switch {
	case n >= l.LockAfter:
		return l.LockFor
	case n <= l.Free:
		return 0
	}
	d := l.Base << (n - l.Free - 1)
	if d > l.Max || d <= 0 {
		return l.Max
	}
	return d
}

// Throttle keeps failure counts in the database, so every instance behind
// a load balancer sees the same counts.
type Throttle struct {
	db  *db.DB
	now func() time.Time
}

// Wait returns how long the caller must wait before trying any of keys
// again (zero when it may try now).
func (t *Throttle) Wait(ctx context.Context, keys ...string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range keys {
		var next time.Time
		err := t.db.Get(ctx, &next, `SELECT next_allowed_at FROM throttle WHERE key = ?`, k)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("throttle wait: %w", err)
		}
		if d := next.Sub(t.now()); d > wait {
			wait = d
		}
	}
	return wait, nil
}

// Fail records a failure for key under l.
func (t *Throttle) Fail(ctx context.Context, l Limit, key string) error {
	return t.db.WithTx(ctx, func(ctx context.Context) error {
		now := t.now()
		var row struct {
			Failures    int       `db:"failures"`
			WindowStart time.Time `db:"window_start"`
		}
		err := t.db.Get(ctx, &row, `SELECT failures, window_start FROM throttle WHERE key = ?`, key)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && now.Sub(row.WindowStart) > l.Window):
			row.Failures, row.WindowStart = 0, now
			// A new window: also forget other keys' stale windows.
			if _, err := t.db.Exec(ctx, `DELETE FROM throttle WHERE window_start < ? AND next_allowed_at < ?`, now.Add(-l.Window), now); err != nil {
				return fmt.Errorf("throttle prune: %w", err)
			}
		case err != nil:
			return fmt.Errorf("throttle read: %w", err)
		}
		row.Failures++
		_, err = t.db.Exec(ctx, `
			INSERT INTO throttle (key, failures, window_start, next_allowed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
				window_start = excluded.window_start, next_allowed_at = excluded.next_allowed_at`,
			key, row.Failures, row.WindowStart, now.Add(l.delay(row.Failures)))
		if err != nil {
			return fmt.Errorf("throttle fail: %w", err)
		}
		return nil
	})
}

// Clear forgets key's failures (after a success).
func (t *Throttle) Clear(ctx context.Context, key string) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM throttle WHERE key = ?`, key); err != nil {
		return fmt.Errorf("throttle clear: %w", err)
	}
	return nil
}
