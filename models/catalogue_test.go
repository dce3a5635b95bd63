package models_test

import (
	"context"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"stepwise/models"
	"stepwise/models/demo"
)

func TestBuiltinGuideTagsAreStoredAndBackfilled(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	fs := guideFS("tagged", 1)
	fs["tagged/guide.md"] = &fstest.MapFile{Data: []byte("---\nslug: tagged\ntitle: Tagged\ntags: [Go, web, \"bad tag!\", go]\n---\nIntro\n")}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Guides.BySlug(ctx, "tagged")
	if tags := tagsOf(t, m, "tagged"); !reflect.DeepEqual(tags, []string{"go", "web"}) {
		t.Errorf("tags after loading: got %q, want [go web]", tags)
	}
	// A database whose guide predates tags gets them at the next start,
	// once: starting again changes nothing, and an author's tags stay.
	if _, err := m.DB().Exec(ctx, `DELETE FROM guide_tags WHERE guide_id = ?`, g.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := m.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
			t.Fatal(err)
		}
	}
	if tags := tagsOf(t, m, "tagged"); !reflect.DeepEqual(tags, []string{"go", "web"}) {
		t.Errorf("tags after restarts: got %q, want [go web]", tags)
	}
	if err := m.Tags.Set(ctx, g.ID, []string{"mine"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if tags := tagsOf(t, m, "tagged"); !reflect.DeepEqual(tags, []string{"mine"}) {
		t.Errorf("an author's tags after a restart: got %q, want [mine]", tags)
	}
}

// tagsOf is the tags of the guide with slug.
func tagsOf(t *testing.T, m *models.Models, slug string) []string {
	t.Helper()
	r, err := m.Guides.Record(context.Background(), slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r.Tags()
}

func TestCatalogueFiltersAndSorts(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	a := seedGuide(t, m, "a-guide", 2)
	b := seedGuide(t, m, "b-guide", 2)
	c := seedGuide(t, m, "c-guide", 2)
	// Publication order a, b, c; difficulties and tags differ.
	for i, g := range []models.Guide{a, b, c} {
		at := time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC)
		if _, err := m.DB().Exec(ctx, `UPDATE guides SET published_at = ?, difficulty = ? WHERE id = ?`, at, models.Difficulties[i], g.ID); err != nil {
			t.Fatal(err)
		}
	}
	_ = m.Tags.Set(ctx, a.ID, []string{"go", "web"})
	_ = m.Tags.Set(ctx, c.ID, []string{"go"})
	// b has two learners (one with two steps), c one, a none.
	u1, u2 := newUser(t, m, "u1@example.com"), newUser(t, m, "u2@example.com")
	for _, step := range []struct {
		u models.User
		g models.Guide
		n int
	}{{u1, b, 1}, {u1, b, 2}, {u2, b, 1}, {u2, c, 2}} {
		st, _ := m.Steps.At(ctx, step.g.ID, step.n)
		if err := m.Progress.Set(ctx, step.u.ID, st, true); err != nil {
			t.Fatal(err)
		}
	}
	slugs := func(q models.CatalogueQuery) []string {
		t.Helper()
		q, _ = q.Clean()
		cards, _, err := m.Guides.Catalogue(ctx, u1.ID, q, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cards {
			out = append(out, c.Slug)
		}
		return out
	}
	for name, tc := range map[string]struct {
		q    models.CatalogueQuery
		want []string
	}{
		"default":      {models.CatalogueQuery{}, []string{"a-guide", "b-guide", "c-guide"}},
		"newest":       {models.CatalogueQuery{Sort: "newest"}, []string{"c-guide", "b-guide", "a-guide"}},
		"followed":     {models.CatalogueQuery{Sort: "followed"}, []string{"b-guide", "c-guide", "a-guide"}},
		"tag":          {models.CatalogueQuery{Tag: "go"}, []string{"a-guide", "c-guide"}},
		"tag+level":    {models.CatalogueQuery{Tag: "GO", Difficulty: "advanced"}, []string{"c-guide"}},
		"unknown sort": {models.CatalogueQuery{Sort: "'; DROP TABLE guides"}, []string{"a-guide", "b-guide", "c-guide"}},
	} {
		if got := slugs(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
	cards, _, _ := m.Guides.Catalogue(ctx, u1.ID, models.CatalogueQuery{Sort: models.SortFollowed}, 1, 10)
	if cards[0].Learners != 2 || cards[0].DoneCount != 2 || cards[1].Learners != 1 {
		t.Errorf("followed counts: got %+v", cards[:2])
	}
	if got := cards[1].Tags(); !reflect.DeepEqual(got, []string{"go"}) {
		t.Errorf("c-guide tags: got %v", got)
	}
	// Taking back every step of a guide stops following it.
	for _, n := range []int{1, 2} {
		st, _ := m.Steps.At(ctx, b.ID, n)
		_ = m.Progress.Set(ctx, u1.ID, st, false)
	}
	cards, _, _ = m.Guides.Catalogue(ctx, 0, models.CatalogueQuery{Sort: models.SortFollowed}, 1, 10)
	if cards[0].Learners != 1 {
		t.Errorf("learners after u1 undid b: got %+v", cards)
	}
	// Dropped values are reported.
	if _, dropped := (models.CatalogueQuery{Tag: "no way", Difficulty: "expert", Sort: "x"}).Clean(); len(dropped) != 3 {
		t.Errorf("dropped: got %v, want tag, difficulty, sort", dropped)
	}
	tags, err := m.Tags.Published(ctx)
	if err != nil || len(tags) != 2 || tags[0] != (models.TagCount{Name: "go", Guides: 2}) {
		t.Errorf("published tags: got %+v, %v", tags, err)
	}
}

func TestDemoGuidesAreTagged(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, m.DB(), smallDemo, nil); err != nil {
		t.Fatal(err)
	}
	var rows []string
	if err := m.DB().Select(ctx, &rows, `SELECT g.slug || ':' || t.tag FROM guide_tags t JOIN guides g ON g.id = t.guide_id ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2*smallDemo.Guides {
		t.Errorf("demo guide tags: got %v, want two per guide", rows)
	}
}
