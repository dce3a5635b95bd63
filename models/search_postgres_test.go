package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stepwise/db/dbtest"
	"stepwise/models"
)

// Search and the catalogue's q filter on PostgreSQL find what FTS5 finds
// on SQLite: published guides and steps holding every word, the matched
// words marked in the snippet, never a draft, and hostile syntax only
// words.
func TestSearchOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.NewPostgres(t)
	now := time.Now().UTC()
	// Written with plain SQL: the stores that write guides are not all
	// ported to PostgreSQL yet.
	for _, g := range []struct {
		slug, title, summary string
		published            bool
	}{
		{"databases", "Databases with Go", "Tables, indexes and queries", true},
		{"secret-draft", "Secret draft about databases", "Not out yet", false},
	} {
		var published *time.Time
		if g.published {
			published = &now
		}
		var id int64
		if err := d.GetWrite(ctx, &id, `INSERT INTO guides (slug, title, summary, published_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, g.slug, g.title, g.summary, published, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO steps (guide_id, position, title, body_md, created_at, updated_at)
			VALUES (?, 1, 'Indexes', 'An index makes a lookup fast; without one the database reads every row.', ?, ?)`, id, now, now); err != nil {
			t.Fatal(err)
		}
	}
	m := models.New(d)

	hits, _, err := m.Search.Search(ctx, "fast lookup", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].GuideSlug != "databases" || hits[0].StepPosition != 1 {
		t.Fatalf("hits for 'fast lookup': %+v, want step 1 of databases only", hits)
	}
	var marked []string
	for _, s := range hits[0].Snippet {
		if s.Hit {
			marked = append(marked, strings.ToLower(s.Text))
		}
	}
	if strings.Join(marked, ",") != "lookup,fast" {
		t.Errorf("marked words %v in the snippet %+v, want lookup and fast", marked, hits[0].Snippet)
	}

	// PostgreSQL's english configuration stems: "database index" finds
	// "Databases … indexes" too.
	hits, _, err = m.Search.Search(ctx, "database index", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Errorf("hits for 'database index': %d, want the guide and its step", len(hits))
	}
	for _, h := range hits {
		if h.GuideSlug != "databases" {
			t.Errorf("a draft was found: %+v", h)
		}
	}

	for _, q := range []string{`"unbalanced`, `a & | ! (b`, `databases:* <-> ''`, `NOT OR AND`, "\x00"} {
		if _, _, err := m.Search.Search(ctx, q, 1, 10); err != nil {
			t.Errorf("search %q: %v", q, err)
		}
	}

	cards, _, err := m.Guides.Catalogue(ctx, 0, models.CatalogueQuery{Q: "fast lookup"}, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 1 || cards[0].Slug != "databases" {
		t.Errorf("catalogue for 'fast lookup': %+v", cards)
	}
}
