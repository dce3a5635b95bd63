package models_test

import (
	"context"
	"testing"

	"stepwise/models"
)

func TestNotesAfterPagesByStep(t *testing.T) {
	t.Parallel()
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
