// Package demo fills a fresh database with deterministic demo data
// (users, published guides with rendered steps, progress) for trying
// Stepwise out and for benchmarks: the seed-demo command.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"stepwise/db"
	"stepwise/models"
	"stepwise/models/passhash"
)

// Options say how much demo data Seed creates.
type Options struct {
	Users    int     // accounts user1@example.com … userN@example.com
	Guides   int     // published guides demo-guide-1 … demo-guide-G
	Steps    int     // steps per guide
	Progress float64 // share (0–1) of all steps each user has completed
	Password string  // every demo user's password
}

// Stats count what Seed stored.
type Stats struct {
	Users, Guides, Steps, Progress int
	Elapsed                        time.Duration
}

// ErrNotFresh is returned by Seed when the database already holds
// users: demo data goes only into a fresh database, never beside real
// accounts or a previous seeding.
var ErrNotFresh = errors.New("the database already has users; seed-demo only fills a fresh database")

// demoEpoch anchors every demo timestamp, so the same options always give
// the same rows (the wall clock would not).
var demoEpoch = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// The generator streams: each kind of data draws from its own, so that,
// for example, changing -progress does not rename the users.
const (
	streamUsers uint64 = iota + 2
	streamGuides
	streamProgress
)

// demoRand is a seeded generator: demo data must be the same every time,
// and nothing secret is drawn from it.
func demoRand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(1, stream)) // #nosec G404 -- reproducible demo data, not secrets
}

func (o Options) validate() error {
	switch {
	case o.Users < 1 || o.Users > 1_000_000:
		return errors.New("demo: users must be between 1 and 1,000,000")
	case o.Guides < 1 || o.Guides > 10_000:
		return errors.New("demo: guides must be between 1 and 10,000")
	case o.Steps < 1 || o.Steps > 200:
		return errors.New("demo: steps must be between 1 and 200")
	case math.IsNaN(o.Progress) || o.Progress < 0 || o.Progress > 1:
		return errors.New("demo: progress must be between 0 and 1")
	}
	if msg := models.CheckPassword(o.Password); msg != "" {
		return fmt.Errorf("demo: password: %s", msg)
	}
	return nil
}

// Seed fills a fresh database with deterministic demo data: users,
// published guides with rendered steps, and progress. Everything is written
// in one transaction, so it either completes or leaves the database as it
// was. Progress lines go to progress (nil for none).
func Seed(ctx context.Context, d *db.DB, opts Options, progress io.Writer) (Stats, error) {
	start := time.Now()
	if err := opts.validate(); err != nil {
		return Stats{}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	// Refuse early, before the costly work; the check is repeated inside the
	// transaction, which holds the write lock, to be sure.
	if err := checkFresh(ctx, d.R); err != nil {
		return Stats{}, err
	}
	// Hash once and give every user the same hash: argon2id costs tens of
	// milliseconds and 19 MiB per call by design, so a thousand calls would
	// take most of a minute for accounts that share one password anyway.
	hash, err := passhash.Hash(ctx, opts.Password)
	if err != nil {
		return Stats{}, fmt.Errorf("demo: hash password: %w", err)
	}
	// Markdown is rendered before the transaction so the writer is held
	// only for the inserts.
	guides, err := demoGuides(opts.Guides, opts.Steps)
	if err != nil {
		return Stats{}, err
	}
	fmt.Fprintf(progress, "rendered %d steps\n", opts.Guides*opts.Steps)

	stats := Stats{Users: opts.Users, Guides: opts.Guides, Steps: opts.Guides * opts.Steps}
	err = withBatchTx(ctx, d, func(tx *batchTx) error {
		if err := checkFresh(ctx, tx.tx); err != nil {
			return err
		}
		userIDs, err := insertDemoUsers(ctx, tx, opts.Users, hash, progress)
		if err != nil {
			return err
		}
		steps, err := insertDemoGuides(ctx, tx, guides, progress)
		if err != nil {
			return err
		}
		stats.Progress, err = insertDemoProgress(ctx, tx, userIDs, steps, opts.Progress, progress)
		return err
	})
	if err != nil {
		return Stats{}, err
	}
	stats.Elapsed = time.Since(start)
	return stats, nil
}

// checkFresh returns ErrNotFresh when the database has any user.
func checkFresh(ctx context.Context, q sqlx.QueryerContext) error {
	var found bool
	if err := sqlx.GetContext(ctx, q, &found, `SELECT EXISTS (SELECT 1 FROM users)`); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if found {
		return ErrNotFresh
	}
	return nil
}
