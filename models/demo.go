package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"stepwise/db"
)

// DemoOptions say how much demo data SeedDemo creates.
type DemoOptions struct {
	Users    int     // accounts user1@example.com … userN@example.com
	Guides   int     // published guides demo-guide-1 … demo-guide-G
	Steps    int     // steps per guide
	Progress float64 // share (0–1) of all steps each user has completed
	Password string  // every demo user's password
}

// DemoStats count what SeedDemo stored.
type DemoStats struct {
	Users, Guides, Steps, Progress int
	Elapsed                        time.Duration
}

// ErrNotFresh is returned by SeedDemo when the database already holds
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

func (o DemoOptions) validate() error {
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
	if msg := CheckPassword(o.Password); msg != "" {
		return fmt.Errorf("demo: password: %s", msg)
	}
	return nil
}

// SeedDemo fills a fresh database with deterministic demo data: users,
// published guides with rendered steps, and progress. Everything is written
// in one transaction, so it either completes or leaves the database as it
// was. Progress lines go to progress (nil for none).
func SeedDemo(ctx context.Context, d *db.DB, opts DemoOptions, progress io.Writer) (DemoStats, error) {
	start := time.Now()
	if err := opts.validate(); err != nil {
		return DemoStats{}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	// Refuse early, before the costly work; the check is repeated inside the
	// transaction, which holds the write lock, to be sure.
	if err := checkFresh(ctx, d.R); err != nil {
		return DemoStats{}, err
	}
	// Hash once and give every user the same hash: argon2id costs tens of
	// milliseconds and 19 MiB per call by design, so a thousand calls would
	// take most of a minute for accounts that share one password anyway.
	hash, err := HashPassword(ctx, opts.Password)
	if err != nil {
		return DemoStats{}, fmt.Errorf("demo: hash password: %w", err)
	}
	// Markdown is rendered before the transaction so the writer is held
	// only for the inserts.
	guides, err := demoGuides(opts.Guides, opts.Steps)
	if err != nil {
		return DemoStats{}, err
	}
	fmt.Fprintf(progress, "rendered %d steps\n", opts.Guides*opts.Steps)

	stats := DemoStats{Users: opts.Users, Guides: opts.Guides, Steps: opts.Guides * opts.Steps}
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
		return DemoStats{}, err
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

// insertDemoUsers stores the users and returns their ids in order.
func insertDemoUsers(ctx context.Context, tx *batchTx, n int, hash string, progress io.Writer) ([]int64, error) {
	rng := demoRand(streamUsers)
	b := tx.inserter("users", []string{"email", "display_name", "password_hash", "role", "created_at", "updated_at"}, 500)
	b.onFlush = func(rows int) { fmt.Fprintf(progress, "users %d/%d\n", rows, n) }
	for i := 1; i <= n; i++ {
		name := pick(rng, demoFirstNames) + " " + pick(rng, demoLastNames)
		t := demoEpoch.Add(time.Duration(i) * 7 * time.Minute)
		if err := b.add(ctx, fmt.Sprintf("user%d@example.com", i), name, hash, RoleLearner, t, t); err != nil {
			return nil, fmt.Errorf("demo users: %w", err)
		}
	}
	if err := b.close(ctx); err != nil {
		return nil, fmt.Errorf("demo users: %w", err)
	}
	// The database had no users, so every user is ours, in insertion order.
	var ids []int64
	if err := tx.tx.SelectContext(ctx, &ids, `SELECT id FROM users ORDER BY id`); err != nil {
		return nil, fmt.Errorf("demo users: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("demo users: stored %d, expected %d", len(ids), n)
	}
	return ids, nil
}

// stepRef is a stored step, as progress rows refer to it.
type stepRef struct{ id, guideID int64 }

// insertDemoGuides stores the guides and their steps, and returns every
// step in guide then position order.
func insertDemoGuides(ctx context.Context, tx *batchTx, guides []demoGuide, progress io.Writer) ([]stepRef, error) {
	gb := tx.inserter("guides", []string{"slug", "title", "summary", "difficulty", "minutes",
		"intro_md", "intro_html", "published_at", "created_at", "updated_at"}, 100)
	for i, g := range guides {
		// One published day apart, so the catalogue lists them in order.
		t := demoEpoch.Add(time.Duration(i) * 24 * time.Hour)
		if err := gb.add(ctx, g.slug, g.title, g.summary, g.difficulty, g.minutes, g.introMD, g.introHTML, t, t, t); err != nil {
			return nil, fmt.Errorf("demo guides: %w", err)
		}
	}
	if err := gb.close(ctx); err != nil {
		return nil, fmt.Errorf("demo guides: %w", err)
	}
	guideIDs := make(map[string]int64, len(guides))
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, slug FROM guides WHERE slug LIKE 'demo-guide-%'`)
	if err != nil {
		return nil, fmt.Errorf("demo guides: %w", err)
	}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("demo guides: %w", err)
		}
		guideIDs[slug] = id
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("demo guides: %w", err)
	}

	if err := insertDemoTags(ctx, tx, guides, guideIDs); err != nil {
		return nil, err
	}

	// Steps carry ~3 KB of HTML each: a hundred rows per statement is
	// plenty to amortize the round trip.
	sb := tx.inserter("steps", []string{"guide_id", "position", "title", "body_md", "body_html", "created_at", "updated_at"}, 100)
	for i, g := range guides {
		t := demoEpoch.Add(time.Duration(i) * 24 * time.Hour)
		for si, s := range g.steps {
			if err := sb.add(ctx, guideIDs[g.slug], si+1, s.title, s.bodyMD, s.bodyHTML, t, t); err != nil {
				return nil, fmt.Errorf("demo steps: %w", err)
			}
		}
		if (i+1)%10 == 0 || i+1 == len(guides) {
			fmt.Fprintf(progress, "guides %d/%d\n", i+1, len(guides))
		}
	}
	if err := sb.close(ctx); err != nil {
		return nil, fmt.Errorf("demo steps: %w", err)
	}

	steps := make([]stepRef, 0, len(guides)*len(guides[0].steps))
	for _, g := range guides {
		var ids []int64
		err := tx.tx.SelectContext(ctx, &ids, `SELECT id FROM steps WHERE guide_id = ? ORDER BY position`, guideIDs[g.slug])
		if err != nil {
			return nil, fmt.Errorf("demo steps: %w", err)
		}
		for _, id := range ids {
			steps = append(steps, stepRef{id: id, guideID: guideIDs[g.slug]})
		}
	}
	return steps, nil
}

// insertDemoProgress gives each user round(share × len(steps)) completed
// steps, chosen at random, with completion times that follow step order.
func insertDemoProgress(ctx context.Context, tx *batchTx, userIDs []int64, steps []stepRef, share float64, progress io.Writer) (int, error) {
	rng := demoRand(streamProgress)
	k := int(math.Round(share * float64(len(steps))))
	// A partial Fisher–Yates shuffle picks k distinct steps per user; the
	// slice stays a permutation, so it is reused rather than reset.
	perm := make([]int, len(steps))
	for i := range perm {
		perm[i] = i
	}
	b := tx.inserter("progress", []string{"user_id", "step_id", "guide_id", "completed_at"}, 500)
	for ui, uid := range userIDs {
		for j := range k {
			r := j + rng.IntN(len(perm)-j)
			perm[j], perm[r] = perm[r], perm[j]
		}
		picked := slices.Clone(perm[:k])
		slices.Sort(picked)
		// Each user starts somewhere in the first sixty days.
		t := demoEpoch.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		for _, si := range picked {
			t = t.Add(time.Duration(2+rng.IntN(40)) * time.Minute)
			if err := b.add(ctx, uid, steps[si].id, steps[si].guideID, t); err != nil {
				return 0, fmt.Errorf("demo progress: %w", err)
			}
		}
		if (ui+1)%100 == 0 || ui+1 == len(userIDs) {
			fmt.Fprintf(progress, "progress %d rows (%d/%d users)\n", b.rows+b.pending(), ui+1, len(userIDs))
		}
	}
	if err := b.close(ctx); err != nil {
		return 0, fmt.Errorf("demo progress: %w", err)
	}
	return b.rows, nil
}

// demoTagAreas gives each snippet language's guides a second tag.
var demoTagAreas = map[string]string{"go": "backend", "sql": "databases", "bash": "operations"}

// insertDemoTags tags each guide with its topic's language and area,
// derived from its title (no random draw, so the other demo data stays
// the same as before tags existed).
func insertDemoTags(ctx context.Context, tx *batchTx, guides []demoGuide, guideIDs map[string]int64) error {
	for _, tag := range []string{"go", "sql", "bash", "backend", "databases", "operations"} {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, tag); err != nil {
			return fmt.Errorf("demo tags: %w", err)
		}
	}
	b := tx.inserter("guide_tags", []string{"guide_id", "tag"}, 500)
	for _, g := range guides {
		for _, topic := range demoTopics {
			if !strings.HasSuffix(g.title, " "+topic.name) {
				continue
			}
			for _, tag := range []string{topic.lang, demoTagAreas[topic.lang]} {
				if err := b.add(ctx, guideIDs[g.slug], tag); err != nil {
					return fmt.Errorf("demo tags: %w", err)
				}
			}
			break
		}
	}
	if err := b.close(ctx); err != nil {
		return fmt.Errorf("demo tags: %w", err)
	}
	return nil
}
