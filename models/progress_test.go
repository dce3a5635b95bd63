package models_test

import (
	"context"
	"sync"
	"testing"

	"stepwise/models"
)

func TestProgressToggleAndSet(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "toggle", 3)
	u := newUser(t, m, "t@example.com")
	step, err := m.Steps.At(ctx, g.ID, 2)
	if err != nil {
		t.Fatal(err)
	}

	done, err := m.Progress.Toggle(ctx, u.ID, step)
	if err != nil || !done {
		t.Fatalf("first toggle: got %v, %v; want done", done, err)
	}
	if n, _, _ := m.Progress.Tally(ctx, u.ID, g.ID); n != 1 {
		t.Errorf("count after toggle: got %d, want 1", n)
	}
	// Setting the state it already has changes nothing.
	if err := m.Progress.Set(ctx, u.ID, step, true); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := m.Progress.Tally(ctx, u.ID, g.ID); n != 1 {
		t.Errorf("count after repeated set: got %d, want 1", n)
	}
	set := map[int64]bool{}
	links, _ := m.Steps.Outline(ctx, g.ID, u.ID)
	for _, l := range links {
		if l.Done {
			set[l.ID] = true
		}
	}
	if !set[step.ID] || len(set) != 1 {
		t.Errorf("done set: got %v, want only step %d", set, step.ID)
	}
	done, err = m.Progress.Toggle(ctx, u.ID, step)
	if err != nil || done {
		t.Fatalf("second toggle: got %v, %v; want not done", done, err)
	}
	if err := m.Progress.Set(ctx, u.ID, step, false); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := m.Progress.Tally(ctx, u.ID, g.ID); n != 0 {
		t.Errorf("count after untoggle: got %d, want 0", n)
	}
}

func TestProgressConcurrentSetsMakeOneRow(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "race", 1)
	u := newUser(t, m, "r@example.com")
	step, _ := m.Steps.At(ctx, g.ID, 1)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- m.Progress.Set(ctx, u.ID, step, true)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent set: %v", err)
		}
	}
	if n, _, _ := m.Progress.Tally(ctx, u.ID, g.ID); n != 1 {
		t.Errorf("rows: got %d, want 1", n)
	}
}

func TestProgressIsPerUser(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "per-user", 2)
	a := newUser(t, m, "a@example.com")
	b := newUser(t, m, "b@example.com")
	step, _ := m.Steps.At(ctx, g.ID, 1)
	if _, err := m.Progress.Toggle(ctx, a.ID, step); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := m.Progress.Tally(ctx, b.ID, g.ID); n != 0 {
		t.Errorf("other user's count: got %d, want 0", n)
	}
}

func TestResumePointAndPublished(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "resume", 3)
	seedGuide(t, m, "other", 2)
	u := newUser(t, m, "resume@example.com")

	if _, err := m.Guides.ResumePoint(ctx, u.ID); err != models.ErrNotFound {
		t.Errorf("no progress: got %v, want ErrNotFound", err)
	}
	s1, _ := m.Steps.At(ctx, g.ID, 1)
	if _, err := m.Progress.Toggle(ctx, u.ID, s1); err != nil {
		t.Fatal(err)
	}
	r, err := m.Guides.ResumePoint(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.GuideSlug != "resume" || r.Position != 2 {
		t.Errorf("resume: got %s step %d, want resume step 2", r.GuideSlug, r.Position)
	}

	cards, page, err := m.Guides.Catalogue(ctx, u.ID, models.CatalogueQuery{}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 1 || !page.HasNext {
		t.Fatalf("page 1 of size 1: got %d cards, hasNext=%v; want 1, true", len(cards), page.HasNext)
	}
	if c := cards[0]; c.Slug != "resume" || c.StepCount != 3 || c.DoneCount != 1 || c.Percent() != 33 {
		t.Errorf("card: got %+v, want resume 1/3 (33%%)", c)
	}
	cards, page, _ = m.Guides.Catalogue(ctx, u.ID, models.CatalogueQuery{}, 2, 1)
	if len(cards) != 1 || page.HasNext || cards[0].Slug != "other" {
		t.Errorf("page 2: got %d cards hasNext=%v, want only 'other'", len(cards), page.HasNext)
	}
}
