package db

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// storageFullWindow is how long after a write failed for lack of space
// readiness keeps reporting it. A probe cannot prove there is room (a
// small write may fit where the next real one does not), so the failures
// of real writes are the evidence; once space is freed and no write has
// failed for this long, the instance reports ready again.
const storageFullWindow = 30 * time.Second

// ErrStorageFull is CheckWrite's error while recent writes failed because
// the disk (or the database's size limit) is full.
var ErrStorageFull = errors.New("db: storage full: recent writes failed for lack of space")

// errProbe rolls back CheckWrite's transaction: it only has to begin.
var errProbe = errors.New("db: write probe")

// writeHealth remembers when a write last failed for lack of space.
type writeHealth struct {
	fullAt atomic.Int64 // Unix nanoseconds; zero for never
}

// note records err's meaning for readiness and returns it unchanged.
func (h *writeHealth) note(err error) error {
	if IsStorageFull(err) {
		h.fullAt.Store(time.Now().UnixNano())
	}
	return err
}

func (h *writeHealth) recentlyFull() bool {
	at := h.fullAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < storageFullWindow
}

// CheckWrite proves that a write could run now: it takes the writer
// connection and SQLite's write lock (BEGIN IMMEDIATE), or a PostgreSQL
// transaction that is not read-only, within ctx and rolls back, so a writer held by a stuck transaction, another process holding
// the lock, or a closed database all fail it once ctx ends. It also fails
// while real writes have recently failed for lack of space.
func (d *DB) CheckWrite(ctx context.Context) error {
	if d.health.recentlyFull() {
		return ErrStorageFull
	}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		if d.Dialect() == Postgres {
			// A server in recovery (a standby after a fail-over) or set
			// read-only takes the transaction but no write.
			var ro string
			if err := d.Get(ctx, &ro, `SHOW transaction_read_only`); err != nil {
				return err
			}
			if ro == "on" {
				return errReadOnly
			}
		}
		return errProbe
	})
	if errors.Is(err, errProbe) {
		return nil
	}
	if err == nil {
		err = errors.New("db: write probe committed")
	}
	return fmt.Errorf("db: write path: %w", err)
}

// errReadOnly is CheckWrite's error on a PostgreSQL that takes no writes.
var errReadOnly = errors.New("db: the PostgreSQL server is read-only")

// MarkStorageFull records a storage-full failure seen outside the
// database (writing an uploaded file), so readiness reports it too.
func (d *DB) MarkStorageFull(err error) error { return d.health.note(err) }
