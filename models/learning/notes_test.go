package learning_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"stepwise/models"
	"stepwise/models/learning"
)

func note(n int, body string) learning.NoteInput {
	return learning.NoteInput{StepRef: learning.StepRef{Guide: "lab", Step: n}, Body: body}
}

func TestSaveNoteCreatesThenReplaces(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	res, err := l.ops.SaveNote(ctx, l.learner, note(1, "one\r\ntwo"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Note.Body != "one\ntwo" || res.Note.UpdatedAt.IsZero() || res.Step.Position != 1 {
		t.Fatalf("created: %+v", res)
	}
	var seen *models.Note
	in := note(1, "three")
	in.Check = func(_ learning.Target, cur *models.Note) error { seen = cur; return nil }
	if res, err = l.ops.SaveNote(ctx, l.learner, in); err != nil || res.Created || res.Note.Body != "three" {
		t.Fatalf("replaced: %+v, %v", res, err)
	}
	if seen == nil || seen.Body != "one\ntwo" {
		t.Errorf("check saw %+v, want the note before", seen)
	}
	// A failing check leaves the note as it was.
	stale := errors.New("stale")
	in = note(1, "four")
	in.Check = func(learning.Target, *models.Note) error { return stale }
	if _, err := l.ops.SaveNote(ctx, l.learner, in); !errors.Is(err, stale) {
		t.Fatalf("check's error: %v", err)
	}
	if got, _ := l.m.Notes.Get(ctx, l.learner.ID, res.Step.ID); got.Body != "three" {
		t.Errorf("a refused save wrote %q", got.Body)
	}
}

func TestSaveNoteRefusals(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	for name, body := range map[string]string{
		"blank":    " \n ",
		"binary":   "a\x00b",
		"too long": strings.Repeat("x", models.NoteMaxLen+1),
	} {
		_, err := l.ops.SaveNote(ctx, l.learner, note(1, body))
		r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
		if r.Fields["body"] == "" {
			t.Errorf("%s: no message for body: %v", name, r.Fields)
		}
	}
	_, err := l.ops.SaveNote(ctx, l.learner, learning.NoteInput{StepRef: learning.StepRef{Guide: "lab", Step: 9}, Body: "x"})
	wantRefusal(t, err, models.RefusedNotFound, learning.CodeNotFound)
	_, err = l.ops.SaveNote(ctx, l.author, learning.NoteInput{StepRef: learning.StepRef{Guide: "draft-lab", Step: 1}, Body: "x"})
	wantRefusal(t, err, models.RefusedForbidden, learning.CodeDraft)
	if n := l.count(`SELECT count(*) FROM notes`); n != 0 {
		t.Fatalf("refused notes stored: %d", n)
	}
}

func TestDeleteNote(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	ref := learning.StepRef{Guide: "lab", Step: 2}
	_, err := l.ops.DeleteNote(ctx, l.learner, learning.NoteDeletion{StepRef: ref})
	wantRefusal(t, err, models.RefusedNotFound, learning.CodeNoNote)
	if _, err := l.ops.SaveNote(ctx, l.learner, note(2, "keep me")); err != nil {
		t.Fatal(err)
	}
	stale := errors.New("stale")
	refuse := learning.NoteDeletion{StepRef: ref, Check: func(_ learning.Target, cur models.Note) error {
		if cur.Body != "keep me" {
			t.Errorf("check saw %+v", cur)
		}
		return stale
	}}
	if _, err := l.ops.DeleteNote(ctx, l.learner, refuse); !errors.Is(err, stale) {
		t.Fatalf("check's error: %v", err)
	}
	res, err := l.ops.DeleteNote(ctx, l.learner, learning.NoteDeletion{StepRef: ref})
	if err != nil || res.At.IsZero() || res.Step.Position != 2 {
		t.Fatalf("delete: %+v, %v", res, err)
	}
	if n := l.count(`SELECT count(*) FROM notes`); n != 0 {
		t.Errorf("notes left: %d", n)
	}
	_, err = l.ops.DeleteNote(ctx, l.author, learning.NoteDeletion{StepRef: learning.StepRef{Guide: "draft-lab", Step: 1}})
	wantRefusal(t, err, models.RefusedForbidden, learning.CodeDraft)
}
