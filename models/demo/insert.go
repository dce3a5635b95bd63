package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"stepwise/models"
)

// The inserts below run in Seed's one transaction, in batches (batch.go).

// insertDemoUsers stores the users and returns their ids in order.
func insertDemoUsers(ctx context.Context, tx *batchTx, n int, hash string, progress io.Writer) ([]int64, error) {
	rng := demoRand(streamUsers)
	b := tx.inserter("users", []string{"email", "display_name", "password_hash", "role", "created_at", "updated_at"}, 500)
	b.onFlush = func(rows int) { fmt.Fprintf(progress, "users %d/%d\n", rows, n) }
	for i := 1; i <= n; i++ {
		name := pick(rng, demoFirstNames) + " " + pick(rng, demoLastNames)
		t := demoEpoch.Add(time.Duration(i) * 7 * time.Minute)
		if err := b.add(ctx, fmt.Sprintf("user%d@example.com", i), name, hash, models.RoleLearner, t, t); err != nil {
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
		err := tx.tx.SelectContext(ctx, &ids, tx.tx.Rebind(`SELECT id FROM steps WHERE guide_id = ? ORDER BY position`), guideIDs[g.slug])
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
		if _, err := tx.tx.ExecContext(ctx, tx.tx.Rebind(`INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), tag); err != nil {
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
