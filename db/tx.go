package db

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"
)

type txKey struct{}

func txFrom(ctx context.Context) *sqlx.Tx {
	tx, _ := ctx.Value(txKey{}).(*sqlx.Tx)
	return tx
}

// WithTx runs fn in a transaction carried by the context it receives, so
// model methods called with that context compose into one unit of work.
// A nested call joins the outer transaction. fn's error rolls back.
//
// The models' rules were written for SQLite, whose single writer runs
// transactions one after another. PostgreSQL gets the same guarantee from
// SERIALIZABLE isolation: a transaction that would see another's writes
// out of order fails with a serialization failure instead, and WithTx runs
// fn again on a fresh transaction (up to maxTxAttempts times, after a
// short random pause; the context's deadline bounds the whole), so fn
// must not have effects outside the database. Conflicts come in bursts:
// while a table is small PostgreSQL locks predicates on whole pages or the
// whole table, so unrelated transactions collide until it grows.
func (d *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if txFrom(ctx) != nil {
		return fn(ctx)
	}
	if d.Dialect() != Postgres {
		return d.runTx(ctx, nil, fn)
	}
	serializable := &sql.TxOptions{Isolation: sql.LevelSerializable}
	for attempt := 1; ; attempt++ {
		err := d.runTx(ctx, serializable, fn)
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		d.retries.Add(1)
		if err := pause(ctx, attempt); err != nil {
			return err
		}
	}
}

// maxTxAttempts bounds how often WithTx runs a transaction that keeps
// failing to serialize; the last failure is returned.
const maxTxAttempts = 50

// TxRetries returns how many transactions were run again after a
// serialization failure (always 0 on SQLite).
func (d *DB) TxRetries() int64 { return d.retries.Load() }

// retryable reports whether err is PostgreSQL's serialization failure
// or deadlock, after which the same transaction may well succeed.
func retryable(err error) bool {
	code := pgErrorCode(err)
	return code == "40001" || code == "40P01"
}

// pause waits a random time that grows with attempt (at most about 130 ms),
// so transactions that collided do not collide again in step.
func pause(ctx context.Context, attempt int) error {
	limit := time.Millisecond << min(attempt, 7)
	t := time.NewTimer(rand.N(limit) + time.Millisecond) // #nosec G404 -- jitter, not a secret
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runTx is one attempt on the writer pool: begin, fn, commit; fn's error
// rolls back.
func (d *DB) runTx(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context) error) error {
	return d.runTxOn(ctx, d.W.BeginTxx, opts, fn)
}

// runTxOn is one attempt on the transaction begin starts.
func (d *DB) runTxOn(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sqlx.Tx, error),
	opts *sql.TxOptions, fn func(ctx context.Context) error) (err error) {
	tx, err := begin(ctx, opts)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(context.WithValue(ctx, txKey{}, tx)); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", d.health.note(err))
	}
	return nil
}
