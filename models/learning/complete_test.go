package learning_test

import (
	"context"
	"errors"
	"testing"

	"stepwise/models"
	"stepwise/models/learning"
)

func step(n int) learning.StepInput {
	return learning.StepInput{StepRef: learning.StepRef{Guide: "lab", Step: n}}
}

func TestCompleteStepFinishesTheGuideInOneGo(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	res, err := l.ops.CompleteStep(ctx, l.learner, step(2))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Done || res.Completed != 1 || res.Total != 2 || res.Finished() || res.Certificate != "" || res.Step.Position != 2 || res.Guide.Slug != "lab" {
		t.Fatalf("after step 2: %+v", res)
	}
	res, err = l.ops.CompleteStep(ctx, l.learner, step(1))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Finished() || res.Certificate == "" {
		t.Fatalf("after the last step: %+v", res)
	}
	if code, _ := l.m.Certificates.CodeFor(ctx, l.learner.ID, res.Guide.ID); code != res.Certificate {
		t.Errorf("stored certificate %q, result %q", code, res.Certificate)
	}
	if n, g := l.events(models.EventStepCompleted), l.events(models.EventGuideCompleted); n != 2 || g != 1 {
		t.Errorf("events: %d step_completed, %d guide.completed; want 2 and 1", n, g)
	}

	// Again: nothing changes, no new certificate or event.
	again, err := l.ops.CompleteStep(ctx, l.learner, step(1))
	if err != nil || again.Certificate != "" || !again.Finished() {
		t.Fatalf("completing again: %+v, %v", again, err)
	}
	if n := l.events(models.EventStepCompleted); n != 2 {
		t.Errorf("a repeated completion queued an event: %d", n)
	}
}

func TestUndoAndToggleStep(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	res, err := l.ops.ToggleStep(ctx, l.learner, step(2))
	if err != nil || !res.Done || res.Completed != 1 {
		t.Fatalf("toggle on: %+v, %v", res, err)
	}
	res, err = l.ops.ToggleStep(ctx, l.learner, step(2))
	if err != nil || res.Done || res.Completed != 0 {
		t.Fatalf("toggle off: %+v, %v", res, err)
	}
	// Finish, then undo: the certificate stays.
	for _, n := range []int{1, 2} {
		if _, err := l.ops.CompleteStep(ctx, l.learner, step(n)); err != nil {
			t.Fatal(err)
		}
	}
	res, err = l.ops.UndoStep(ctx, l.learner, step(1))
	if err != nil || res.Done || res.Completed != 1 {
		t.Fatalf("undo: %+v, %v", res, err)
	}
	if _, err := l.ops.UndoStep(ctx, l.learner, step(1)); err != nil {
		t.Fatalf("undoing a step not done: %v", err)
	}
	if code, _ := l.m.Certificates.CodeFor(ctx, l.learner.ID, res.Guide.ID); code == "" {
		t.Error("undoing a step took the certificate away")
	}
}

func TestCompleteStepRefusesUntilTheQuizIsPassed(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	l.requireQuizzes()
	for name, op := range map[string]func(context.Context, *models.User, learning.StepInput) (learning.Completion, error){
		"complete": l.ops.CompleteStep, "toggle": l.ops.ToggleStep,
	} {
		_, err := op(ctx, l.learner, step(1))
		r := wantRefusal(t, err, models.RefusedRule, learning.CodeQuizNotPassed)
		if r.Reason == "" {
			t.Errorf("%s: refusal without a reason", name)
		}
	}
	// The refusal rolled the row and its event back.
	if n := l.count(`SELECT count(*) FROM progress WHERE user_id = ?`, l.learner.ID); n != 0 {
		t.Fatalf("progress rows after a refusal: %d", n)
	}
	if n := l.events(models.EventStepCompleted); n != 0 {
		t.Fatalf("events queued by a refused completion: %d", n)
	}
	// A step without a quiz is never held back; undoing never is.
	if _, err := l.ops.CompleteStep(ctx, l.learner, step(2)); err != nil {
		t.Fatal(err)
	}
	l.pass()
	res, err := l.ops.CompleteStep(ctx, l.learner, step(1))
	if err != nil || !res.Finished() || res.Certificate == "" {
		t.Fatalf("after passing: %+v, %v", res, err)
	}
}

func TestCompleteStepNotFoundAndForbidden(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	for name, ref := range map[string]learning.StepRef{
		"no guide":        {Guide: "nope", Step: 1},
		"no step":         {Guide: "lab", Step: 3},
		"step zero":       {Guide: "lab", Step: 0},
		"another's draft": {Guide: "draft-lab", Step: 1},
	} {
		_, err := l.ops.CompleteStep(ctx, l.learner, learning.StepInput{StepRef: ref})
		wantRefusal(t, err, models.RefusedNotFound, learning.CodeNotFound)
		if !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s: %v does not match ErrNotFound", name, err)
		}
	}
	// The draft's author sees it but keeps no progress on it.
	_, err := l.ops.UndoStep(ctx, l.author, learning.StepInput{StepRef: learning.StepRef{Guide: "draft-lab", Step: 1}})
	wantRefusal(t, err, models.RefusedForbidden, learning.CodeDraft)
	_, err = l.ops.CompleteStep(ctx, nil, step(1))
	wantRefusal(t, err, models.RefusedForbidden, learning.CodeSignIn)
}

func TestCompleteStepCheckRunsFirst(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	stale := errors.New("stale")
	in := step(2)
	var seen learning.Target
	in.Check = func(_ context.Context, t learning.Target) error { seen = t; return stale }
	if _, err := l.ops.CompleteStep(context.Background(), l.learner, in); !errors.Is(err, stale) {
		t.Fatalf("check's error: got %v", err)
	}
	if seen.Step.Position != 2 || seen.Guide.Slug != "lab" {
		t.Errorf("check saw %+v", seen)
	}
	if n := l.count(`SELECT count(*) FROM progress`); n != 0 {
		t.Errorf("a failed check still wrote %d rows", n)
	}
}
