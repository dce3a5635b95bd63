package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stepwise/models"
)

// searchModels returns models over a fresh database with one published
// guide of 3 steps ("srch").
func searchModels(t *testing.T) *models.Models {
	t.Helper()
	m := newModels(t)
	seedGuide(t, m, "srch", 3)
	return m
}

func TestSearchFindsStepBodyWords(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "srch", 3)
	if _, err := m.DB().Exec(ctx, `UPDATE steps SET body_md = ? WHERE guide_id = ? AND position = 2`,
		"Connection pooling keeps **sockets** warm.\n", g.ID); err != nil {
		t.Fatal(err)
	}
	hits, _, err := m.Search.Search(ctx, "pooling", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].GuideSlug != "srch" || hits[0].StepPosition != 2 {
		t.Fatalf("hits for a word of step 2's body (updated after insert): got %+v", hits)
	}
	var marked []string
	for _, s := range hits[0].Snippet {
		if s.Hit {
			marked = append(marked, s.Text)
		}
		if strings.ContainsAny(s.Text, "*\uE000\uE001") {
			t.Errorf("snippet segment keeps markup or markers: %q", s.Text)
		}
	}
	if len(marked) != 1 || marked[0] != "pooling" {
		t.Errorf("highlighted: got %q, want [pooling]", marked)
	}
	// The guide itself is found by its title; a deleted step leaves the index.
	if hits, _, _ := m.Search.Search(ctx, "Guide srch", 1, 10); len(hits) == 0 || hits[0].StepPosition != 0 {
		t.Errorf("guide title search: got %+v, want the guide first", hits)
	}
	// Renaming the guide reindexes it.
	if _, err := m.DB().Exec(ctx, `UPDATE guides SET title = 'Platypus handbook' WHERE id = ?`, g.ID); err != nil {
		t.Fatal(err)
	}
	if hits, _, _ := m.Search.Search(ctx, "platypus", 1, 10); len(hits) != 1 || hits[0].GuideTitle != "Platypus handbook" {
		t.Errorf("after renaming the guide: got %+v", hits)
	}
	if hits, _, _ := m.Search.Search(ctx, "srch guide", 1, 10); len(hits) != 0 {
		t.Errorf("the old guide title is still indexed: %+v", hits)
	}
	if _, err := m.DB().Exec(ctx, `DELETE FROM steps WHERE guide_id = ? AND position = 2`, g.ID); err != nil {
		t.Fatal(err)
	}
	if hits, _, _ := m.Search.Search(ctx, "pooling", 1, 10); len(hits) != 0 {
		t.Errorf("after deleting the step: got %d hits, want 0", len(hits))
	}
}

func TestSearchSkipsDrafts(t *testing.T) {
	t.Parallel()
	m := searchModels(t)
	ctx := context.Background()
	now := time.Now().UTC()
	var id int64
	if err := m.DB().GetWrite(ctx, &id, `INSERT INTO guides (slug, title, summary, created_at, updated_at) VALUES ('secret', 'Secret zebra plans', 'hidden', ?, ?) RETURNING id`, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DB().Exec(ctx, `INSERT INTO steps (guide_id, position, title, body_md, created_at, updated_at) VALUES (?, 1, 'Zebra step', 'zebra crossing', ?, ?)`, id, now, now); err != nil {
		t.Fatal(err)
	}
	if hits, _, err := m.Search.Search(ctx, "zebra", 1, 10); err != nil || len(hits) != 0 {
		t.Fatalf("draft search: got %d hits, %v; want none", len(hits), err)
	}
	if _, err := m.DB().Exec(ctx, `UPDATE guides SET published_at = ? WHERE id = ?`, now, id); err != nil {
		t.Fatal(err)
	}
	if hits, _, _ := m.Search.Search(ctx, "zebra", 1, 10); len(hits) != 2 {
		t.Errorf("after publishing: got %d hits, want 2 (guide and step)", len(hits))
	}
}

func TestSearchHostileSyntax(t *testing.T) {
	t.Parallel()
	m := searchModels(t)
	ctx := context.Background()
	for _, q := range []string{`"`, `AND OR NOT (`, `*`, `step*`, `NEAR/2`, `"unclosed`, `-step`, `step:`, `title:step`,
		`) OR (`, `NEAR(step body, 2)`, `^step`, `{title}: step`, `- title: step`, `step + body`, `step AND`,
		"\x00", "\uE000step\uE001", strings.Repeat("step ", 500), `'; DROP TABLE guides; --`, "\xff\xfe"} {
		if _, _, err := m.Search.Search(ctx, q, 1, 10); err != nil {
			t.Errorf("search %q: %v", q, err)
		}
	}
	// Operators are only words: "step OR nothing" needs both words.
	if hits, _, _ := m.Search.Search(ctx, "step OR nothingmatches", 1, 10); len(hits) != 0 {
		t.Errorf("OR acted as an operator: %d hits", len(hits))
	}
}

func TestSearchRanksBestMatchFirst(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "rank", 3)
	for pos, body := range map[int]string{
		1: "A kestrel once, among many other words about something else entirely.\n",
		3: "Kestrel, kestrel, kestrel: the kestrel hovers.\n",
	} {
		if _, err := m.DB().Exec(ctx, `UPDATE steps SET body_md = ? WHERE guide_id = ? AND position = ?`, body, g.ID, pos); err != nil {
			t.Fatal(err)
		}
	}
	hits, _, err := m.Search.Search(ctx, "kestrel", 1, 10)
	if err != nil || len(hits) != 2 {
		t.Fatalf("got %d hits, %v; want 2", len(hits), err)
	}
	if hits[0].StepPosition != 3 || hits[1].StepPosition != 1 {
		t.Errorf("order: got steps %d, %d; want 3 (more matches) then 1", hits[0].StepPosition, hits[1].StepPosition)
	}
}

func TestSearchSnippetsAreText(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "xss", 1)
	if _, err := m.DB().Exec(ctx, `UPDATE steps SET body_md = ? WHERE guide_id = ?`,
		"Never trust <script>alert(1)</script> in a payload.\n", g.ID); err != nil {
		t.Fatal(err)
	}
	hits, _, err := m.Search.Search(ctx, "payload", 1, 10)
	if err != nil || len(hits) != 1 {
		t.Fatalf("got %d hits, %v", len(hits), err)
	}
	var text string
	for _, s := range hits[0].Snippet {
		text += s.Text
	}
	if !strings.Contains(text, "<script>") {
		t.Errorf("snippet text: got %q, want the literal <script> (escaped by the template)", text)
	}
}

func TestSearchPages(t *testing.T) {
	t.Parallel()
	m := searchModels(t)
	ctx := context.Background()
	// "body" is in each of the 3 step bodies.
	hits, p, err := m.Search.Search(ctx, "body", 1, 2)
	if err != nil || len(hits) != 2 || !p.HasNext {
		t.Fatalf("page 1: %d hits, %+v, %v", len(hits), p, err)
	}
	hits, p, _ = m.Search.Search(ctx, "body", 2, 2)
	if len(hits) != 1 || p.HasNext {
		t.Errorf("page 2: %d hits, %+v", len(hits), p)
	}
}

func TestMatchQueryQuotesEveryWord(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]string{
		`go  "sql"`:    `"go" "sql"`,
		`AND OR NOT (`: `"AND" "OR" "NOT"`,
		`* ( ) "`:      ``,
		`c++ x*`:       `"c++" "x*"`,
	} {
		if got := models.MatchQuery(q); got != want {
			t.Errorf("MatchQuery(%q) = %q, want %q", q, got, want)
		}
	}
}
