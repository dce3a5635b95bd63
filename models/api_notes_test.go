package models_test

import (
	"context"
	"errors"
	"testing"

	"stepwise/models"
)

func TestNotesAfterPagesByStep(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "keyset-notes", 3)
	ada := newUser(t, m, "ada@example.com")
	bob := newUser(t, m, "bob@example.com")
	var steps []models.Step
	for n := 1; n <= 3; n++ {
		s, err := m.Steps.At(ctx, g.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, s)
	}
	for _, s := range []models.Step{steps[2], steps[0], steps[1]} {
		if _, err := m.Notes.Save(ctx, ada.ID, s, "note"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Notes.Save(ctx, bob.ID, steps[0], "bob's"); err != nil {
		t.Fatal(err)
	}
	first, err := m.Notes.After(ctx, ada.ID, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].StepID != steps[0].ID || first[1].StepID != steps[1].ID || first[0].GuideSlug != "keyset-notes" {
		t.Fatalf("first page = %+v", first)
	}
	rest, err := m.Notes.After(ctx, ada.ID, first[1].StepID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 1 || rest[0].StepID != steps[2].ID || rest[0].Position != 3 {
		t.Fatalf("second page = %+v", rest)
	}
}

func TestNotesReplaceAndRemoveCheckFirst(t *testing.T) {
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "checked-notes", 1)
	ada := newUser(t, m, "ada@example.com")
	step, err := m.Steps.At(ctx, g.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	refuse := errors.New("refused")

	var seen *models.Note
	n, created, err := m.Notes.Replace(ctx, ada.ID, step, "one", func(cur *models.Note) error { seen = cur; return nil })
	if err != nil || !created || n.Body != "one" || seen != nil || n.UpdatedAt.IsZero() {
		t.Fatalf("create: %+v, %v, %v (check saw %v)", n, created, err, seen)
	}
	if _, _, err := m.Notes.Replace(ctx, ada.ID, step, "two", func(cur *models.Note) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused replace: %v", err)
	}
	if got, _ := m.Notes.Get(ctx, ada.ID, step.ID); got.Body != "one" {
		t.Fatalf("a refused replace wrote %q", got.Body)
	}
	n, created, err = m.Notes.Replace(ctx, ada.ID, step, "two", func(cur *models.Note) error { seen = cur; return nil })
	if err != nil || created || n.Body != "two" || seen == nil || seen.Body != "one" {
		t.Fatalf("replace: %+v, %v, %v (check saw %+v)", n, created, err, seen)
	}
	if _, _, err := m.Notes.Replace(ctx, ada.ID, step, " \n", func(*models.Note) error { return nil }); err == nil {
		t.Fatal("a blank replace was accepted")
	}

	if err := m.Notes.Remove(ctx, ada.ID, step, func(models.Note) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused remove: %v", err)
	}
	if _, err := m.Notes.Get(ctx, ada.ID, step.ID); err != nil {
		t.Fatalf("a refused remove deleted the note: %v", err)
	}
	if err := m.Notes.Remove(ctx, ada.ID, step, func(models.Note) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := m.Notes.Remove(ctx, ada.ID, step, func(models.Note) error { return nil }); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("removing no note: %v, want ErrNotFound", err)
	}
}
