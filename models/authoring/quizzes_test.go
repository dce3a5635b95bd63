package authoring_test

import (
	"testing"

	"stepwise/models"
)

func trueFalse(prompt string) models.QuestionInput {
	return models.QuestionInput{Kind: models.QuizTrueFalse, Prompt: prompt,
		Choices: []models.Choice{{Text: "True", Correct: true}, {Text: " False "}}}
}

func TestSaveQuestion(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	q, err := k.ops.SaveQuestion(k.ctx, k.co, "pub", 1, 0, trueFalse(" Is it? "))
	if err != nil || q.ID == 0 || q.Prompt != "Is it?" || q.Choices[1].Text != "False" {
		t.Fatalf("added %+v, %v", q, err)
	}
	q, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, q.ID, trueFalse("Is it really?"))
	if err != nil || q.Prompt != "Is it really?" {
		t.Fatalf("changed %+v, %v", q, err)
	}
	// Another step's question is not this step's.
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 2, q.ID, trueFalse("Hijack?"))
	refused(t, err, models.RefusedNotFound, "question_not_found")
	bad := trueFalse("No right answer?")
	bad.Choices[0].Correct = false
	_, err = k.ops.SaveQuestion(k.ctx, k.owner, "pub", 1, 0, bad)
	invalidOn(t, err, "correct")
	_, err = k.ops.SaveQuestion(k.ctx, k.learner, "pub", 1, 0, trueFalse("Mine?"))
	refused(t, err, models.RefusedForbidden, "guide_not_editable")

	refused(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 2, q.ID), models.RefusedNotFound, "question_not_found")
	ok(t, k.ops.DeleteQuestion(k.ctx, k.owner, "pub", 1, q.ID))
	qs, err := k.m.Quizzes.Questions(k.ctx, k.step("pub", 1).ID)
	if err != nil || len(qs) != 0 {
		t.Errorf("questions after the deletion: %+v, %v", qs, err)
	}
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
