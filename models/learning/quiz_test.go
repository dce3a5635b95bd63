package learning_test

import (
	"context"
	"reflect"
	"testing"

	"stepwise/models"
	"stepwise/models/learning"
)

func answers(guide string, n int, a map[string][]int) learning.QuizAnswers {
	return learning.QuizAnswers{StepRef: learning.StepRef{Guide: guide, Step: n}, Answers: a}
}

func TestAnswerQuizRecordsTheAttempt(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	q := key(l.question)
	res, err := l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 1, map[string][]int{q: {0}}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || !res.Quiz.Attempted || res.Quiz.LastPassed || res.Quiz.Passed || res.Step.Position != 1 {
		t.Fatalf("wrong answer: %+v", res)
	}
	// A question left out counts as wrong.
	if res, err = l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 1, map[string][]int{})); err != nil || res.Passed {
		t.Fatalf("no answer: %+v, %v", res, err)
	}
	if res, err = l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 1, map[string][]int{q: {1}})); err != nil || !res.Passed || !res.Quiz.Passed {
		t.Fatalf("right answer: %+v, %v", res, err)
	}
	if n := l.count(`SELECT count(*) FROM quiz_attempts WHERE user_id = ?`, l.learner.ID); n != 3 {
		t.Errorf("attempts stored: %d, want 3", n)
	}
}

// TestAnswerQuizResultIsTheStoredQuiz pins that the result, built from
// the quiz read once before recording, is what a later read returns: a
// wrong attempt after a pass keeps Passed and shows the latest answers.
func TestAnswerQuizResultIsTheStoredQuiz(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.requireQuizzes()
	ctx := context.Background()
	q := key(l.question)
	for _, a := range []map[string][]int{{q: {0}}, {q: {1}}, {}} {
		res, err := l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 1, a))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := l.m.Quizzes.ForStep(ctx, res.Step.ID, l.learner.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Quiz, stored) {
			t.Errorf("answers %v: result %+v, stored %+v", a, res.Quiz, stored)
		}
	}
}

func TestAnswerQuizRefusals(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	ctx := context.Background()
	q := key(l.question)
	invalid := map[string]struct {
		answers map[string][]int
		field   string
	}{
		"nothing":          {nil, "answers"},
		"unknown question": {map[string][]int{"999999": {0}}, "answers.999999"},
		"not an id":        {map[string][]int{"x": {0}}, "answers.x"},
		"out of range":     {map[string][]int{q: {2}}, "answers." + q},
		"twice":            {map[string][]int{q: {1, 1}}, "answers." + q},
		"two for single":   {map[string][]int{q: {0, 1}}, "answers." + q},
	}
	for name, c := range invalid {
		_, err := l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 1, c.answers))
		r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
		if r.Fields[c.field] == "" {
			t.Errorf("%s: no message for %s in %v", name, c.field, r.Fields)
		}
	}
	if n := l.count(`SELECT count(*) FROM quiz_attempts`); n != 0 {
		t.Fatalf("refused attempts stored: %d", n)
	}
	_, err := l.ops.AnswerQuiz(ctx, l.learner, answers("lab", 2, map[string][]int{}))
	wantRefusal(t, err, models.RefusedNotFound, learning.CodeNoQuiz)
	_, err = l.ops.AnswerQuiz(ctx, l.learner, answers("draft-lab", 1, map[string][]int{}))
	wantRefusal(t, err, models.RefusedNotFound, learning.CodeNotFound)
	_, err = l.ops.AnswerQuiz(ctx, l.author, answers("draft-lab", 1, map[string][]int{}))
	wantRefusal(t, err, models.RefusedForbidden, learning.CodeDraft)
}
