package authoring_test

import (
	"errors"
	"testing"

	"stepwise/models"
	"stepwise/models/authoring"
)

func trueFalse(prompt string) models.QuestionInput {
	return models.QuestionInput{Kind: models.QuizTrueFalse, Prompt: prompt,
		Choices: []models.Choice{{Text: "True", Correct: true}, {Text: " False "}}}
}

func TestSaveQuestion(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	q, err := k.ops.SaveQuestion(k.ctx, k.co, "pub", 1, authoring.QuestionSave{Input: trueFalse(" Is it? ")})
	if err != nil || q.ID == 0 || q.Prompt != "Is it?" || q.Choices[1].Text != "False" {
		t.Fatalf("added %+v, %v", q, err)
	}
	q, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionSave{ID: q.ID, Input: trueFalse("Is it really?")})
	if err != nil || q.Prompt != "Is it really?" {
		t.Fatalf("changed %+v, %v", q, err)
	}
	// Another step's question is not this step's.
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 2, authoring.QuestionSave{ID: q.ID, Input: trueFalse("Hijack?")})
	refused(t, err, models.RefusedNotFound, "question_not_found")
	bad := trueFalse("No right answer?")
	bad.Choices[0].Correct = false
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionSave{Input: bad})
	invalidOn(t, err, "correct")
	_, err = k.ops.SaveQuestion(k.ctx, k.learner, "pub", 1, authoring.QuestionSave{Input: trueFalse("Mine?")})
	refused(t, err, models.RefusedForbidden, "guide_not_editable")

	refused(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 2, authoring.QuestionDeletion{ID: q.ID}), models.RefusedNotFound, "question_not_found")
	ok(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionDeletion{ID: q.ID}))
	qs, err := k.m.Quizzes.Questions(k.ctx, k.step("pub", 1).ID)
	if err != nil || len(qs) != 0 {
		t.Errorf("questions after the deletion: %+v, %v", qs, err)
	}
}

// Check sees the question as stored in the operation's transaction and
// its error stops the change; Patch merges onto the stored fields.
func TestQuestionCheckAndPatch(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	q, err := k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionSave{Input: trueFalse("First?")})
	if err != nil {
		t.Fatal(err)
	}
	stale := errors.New("stale")
	var seen models.Question
	check := func(cur models.Question) error { seen = cur; return stale }
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionSave{ID: q.ID, Input: trueFalse("Overwrite?"), Check: check})
	if !errors.Is(err, stale) || seen.ID != q.ID || seen.Prompt != "First?" {
		t.Fatalf("checked save: %v, saw %+v", err, seen)
	}
	err = k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionDeletion{ID: q.ID, Check: check})
	if !errors.Is(err, stale) {
		t.Fatalf("checked delete: %v", err)
	}
	if qs, err := k.m.Quizzes.Questions(k.ctx, k.step("pub", 1).ID); err != nil || len(qs) != 1 || qs[0].Prompt != "First?" {
		t.Fatalf("a refused check changed the quiz: %+v, %v", qs, err)
	}

	// Patch keeps the stored fields it does not set.
	pass := func(models.Question) error { return nil }
	q, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionSave{ID: q.ID, Check: pass,
		Patch: func(in models.QuestionInput) models.QuestionInput { in.Prompt = "Patched?"; return in }})
	if err != nil || q.Prompt != "Patched?" || q.Kind != models.QuizTrueFalse || len(q.Choices) != 2 {
		t.Fatalf("patched %+v, %v", q, err)
	}
	// A missing question is refused before Check runs.
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 2, authoring.QuestionSave{ID: q.ID, Input: trueFalse("Hijack?"), Check: pass})
	refused(t, err, models.RefusedNotFound, "question_not_found")
	refused(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 2, authoring.QuestionDeletion{ID: q.ID, Check: pass}),
		models.RefusedNotFound, "question_not_found")
	ok(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 1, authoring.QuestionDeletion{ID: q.ID, Check: pass}))
}

func TestSetQuizRequired(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	ok(t, k.ops.SetQuizRequired(k.ctx, k.co, "pub", true))
	if req, err := k.m.Quizzes.Required(k.ctx, k.record("pub").ID); err != nil || !req {
		t.Errorf("required: %v, %v", req, err)
	}
	refused(t, k.ops.SetQuizRequired(k.ctx, k.other, "draft", true), models.RefusedNotFound, "guide_not_found")
	refused(t, k.ops.SetQuizRequired(k.ctx, k.learner, "pub", false), models.RefusedForbidden, "guide_not_editable")
}
