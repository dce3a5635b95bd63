package authoring_test

import (
	"strings"
	"testing"

	"stepwise/models"
	"stepwise/models/authoring"
)

// revisions counts the revisions of step n of the guide with slug.
func (k *desk) revisions(slug string, n int) int {
	k.t.Helper()
	list, err := k.m.Authoring.Revisions(k.ctx, k.step(slug, n).ID)
	if err != nil {
		k.t.Fatal(err)
	}
	return len(list)
}

func TestAddStep(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	s, err := k.ops.AddStep(k.ctx, k.co, "pub", models.StepForm{Title: " Three ", Body: "Third."})
	if err != nil || s.Position != 3 || s.Title != "Three" || s.BodyMD != "Third." {
		t.Fatalf("added %+v, %v", s, err)
	}
	// On a published guide the new text is a first revision.
	if n := k.revisions("pub", 3); n != 1 {
		t.Errorf("%d revisions of the new step, want 1", n)
	}
	_, err = k.ops.AddStep(k.ctx, k.owner, "pub", models.StepForm{Title: "  "})
	invalidOn(t, err, "title")
	_, err = k.ops.AddStep(k.ctx, k.other, "draft", models.StepForm{Title: "Mine"})
	refused(t, err, models.RefusedNotFound, "guide_not_found")
	_, err = k.ops.AddStep(k.ctx, k.learner, "pub", models.StepForm{Title: "Mine"})
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}

func TestSaveStep(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	before := k.step("pub", 1)
	save := authoring.StepSave{Form: models.StepForm{Title: "One", Body: "Changed."}, Version: before.Version}
	s, err := k.ops.SaveStep(k.ctx, k.co, "pub", 1, save)
	if err != nil || s.BodyMD != "Changed." || s.Version != before.Version+1 {
		t.Fatalf("saved %+v, %v", s, err)
	}
	// The same version again lost the race.
	_, err = k.ops.SaveStep(k.ctx, k.owner, "pub", 1, save)
	refused(t, err, models.RefusedConflict, "stale")

	// Autosaves within minutes share one revision.
	revs := k.revisions("pub", 1)
	for i, body := range []string{"Auto one.", "Auto two."} {
		auto := authoring.StepSave{Form: models.StepForm{Title: "One", Body: body}, Version: s.Version + i, Autosave: true}
		if _, err := k.ops.SaveStep(k.ctx, k.owner, "pub", 1, auto); err != nil {
			t.Fatal(err)
		}
	}
	if n := k.revisions("pub", 1); n != revs+1 {
		t.Errorf("%d revisions after two autosaves, want %d", n, revs+1)
	}

	_, err = k.ops.SaveStep(k.ctx, k.owner, "pub", 1, authoring.StepSave{Form: models.StepForm{Title: ""}, Version: 1})
	invalidOn(t, err, "title")
	_, err = k.ops.SaveStep(k.ctx, k.owner, "pub", 7, save)
	refused(t, err, models.RefusedNotFound, "step_not_found")
	_, err = k.ops.SaveStep(k.ctx, k.learner, "pub", 1, save)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}

func TestDeleteStep(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	one, two := k.step("draft", 1), k.step("draft", 2)
	refused(t, k.ops.DeleteStep(k.ctx, k.owner, "draft", 1, authoring.StepRef{ID: two.ID, Version: two.Version}),
		models.RefusedConflict, "stale")
	refused(t, k.ops.DeleteStep(k.ctx, k.owner, "draft", 1, authoring.StepRef{ID: one.ID, Version: one.Version + 1}),
		models.RefusedConflict, "stale")
	refused(t, k.ops.DeleteStep(k.ctx, k.other, "draft", 1, authoring.StepRef{}), models.RefusedNotFound, "guide_not_found")
	refused(t, k.ops.DeleteStep(k.ctx, k.owner, "draft", 3, authoring.StepRef{}), models.RefusedNotFound, "step_not_found")
	ok(t, k.ops.DeleteStep(k.ctx, k.owner, "draft", 1, authoring.StepRef{ID: one.ID, Version: one.Version}))
	if s := k.step("draft", 1); s.ID != two.ID {
		t.Errorf("step 1 is %d after the deletion, want the old step 2 (%d)", s.ID, two.ID)
	}
}

func TestMoveStep(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	one := k.step("draft", 1)
	list, err := k.ops.MoveStep(k.ctx, k.co, "draft", 1, 99, authoring.StepRef{ID: one.ID, Version: -1})
	if err != nil || len(list) != 2 || list[1].ID != one.ID {
		t.Fatalf("moved to the end: %+v, %v", list, err)
	}
	_, err = k.ops.MoveStep(k.ctx, k.owner, "draft", 1, 2, authoring.StepRef{ID: one.ID, Version: -1})
	refused(t, err, models.RefusedConflict, "steps_changed")
	_, err = k.ops.MoveStep(k.ctx, k.owner, "draft", 1, 0, authoring.StepRef{})
	invalidOn(t, err, "to")
	_, err = k.ops.MoveStep(k.ctx, k.learner, "pub", 1, 2, authoring.StepRef{})
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}

func TestRestoreRevision(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	first := k.step("pub", 1)
	// The guide was a draft when step 1 was written: its first revision
	// is the first save after publishing.
	k.must(k.ops.SaveStep(k.ctx, k.owner, "pub", 1, authoring.StepSave{Form: models.StepForm{Title: "One", Body: "Second text."}, Version: first.Version}))
	k.must(k.ops.SaveStep(k.ctx, k.owner, "pub", 1, authoring.StepSave{Form: models.StepForm{Title: "One", Body: "Third text."}, Version: first.Version + 1}))
	var oldest int64
	ok(t, k.d.Get(k.ctx, &oldest, `SELECT min(id) FROM step_revisions WHERE step_id = ?`, first.ID))
	cur := k.step("pub", 1)

	_, err := k.ops.RestoreRevision(k.ctx, k.owner, "pub", 1, oldest, cur.Version-1)
	refused(t, err, models.RefusedConflict, "stale")
	_, err = k.ops.RestoreRevision(k.ctx, k.owner, "pub", 1, oldest+100, -1)
	refused(t, err, models.RefusedNotFound, "revision_not_found")
	_, err = k.ops.RestoreRevision(k.ctx, k.learner, "pub", 1, oldest, -1)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")

	s, err := k.ops.RestoreRevision(k.ctx, k.co, "pub", 1, oldest, cur.Version)
	if err != nil || s.BodyMD != "Second text." || s.Version != cur.Version+1 {
		t.Fatalf("restored %+v, %v", s, err)
	}
}

// TestSaveStepUnchanged checks that a save (or autosave) of the text the
// step already has at that version changes nothing, and that a save does
// store the rendered body.
func TestSaveStepUnchanged(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	before := k.step("pub", 1)
	revs := k.revisions("pub", 1)
	for _, autosave := range []bool{false, true} {
		same := authoring.StepSave{Form: models.StepForm{Title: " " + before.Title, Body: before.BodyMD}, Version: before.Version, Autosave: autosave}
		s, err := k.ops.SaveStep(k.ctx, k.owner, "pub", 1, same)
		if err != nil || s != before {
			t.Fatalf("autosave %v: saved %+v, %v; want %+v", autosave, s, err, before)
		}
	}
	if n := k.revisions("pub", 1); n != revs {
		t.Errorf("%d revisions after unchanged saves, want %d", n, revs)
	}
	// The same text from an older version is still a lost race.
	_, err := k.ops.SaveStep(k.ctx, k.owner, "pub", 1,
		authoring.StepSave{Form: models.StepForm{Title: before.Title, Body: before.BodyMD}, Version: before.Version - 1})
	refused(t, err, models.RefusedConflict, "stale")

	s, err := k.ops.SaveStep(k.ctx, k.owner, "pub", 1,
		authoring.StepSave{Form: models.StepForm{Title: before.Title, Body: "Now *bold*."}, Version: before.Version})
	if err != nil || s.Version != before.Version+1 || !strings.Contains(s.BodyHTML, "<em>bold</em>") {
		t.Fatalf("saved %+v, %v", s, err)
	}
}
