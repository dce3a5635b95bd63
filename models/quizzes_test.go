package models_test

import (
	"context"
	"strings"
	"testing"

	"stepwise"
	"stepwise/models"
)

func tfQuestion() models.QuestionInput {
	return models.QuestionInput{Kind: models.QuizTrueFalse, Prompt: "Is water wet?", Explanation: "It is.",
		Choices: []models.Choice{{Text: "True", Correct: true}, {Text: "False"}}}
}

func multiQuestion() models.QuestionInput {
	return models.QuestionInput{Kind: models.QuizMultiple, Prompt: "Which are even?", Explanation: "2 and 4.",
		Choices: []models.Choice{{Text: "1"}, {Text: "2", Correct: true}, {Text: "3"}, {Text: "4", Correct: true}}}
}

func TestQuestionValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		in    models.QuestionInput
		field string
	}{
		"no prompt":          {models.QuestionInput{Kind: "single", Choices: []models.Choice{{Text: "a", Correct: true}, {Text: "b"}}}, "prompt"},
		"bad kind":           {models.QuestionInput{Kind: "essay", Prompt: "p", Choices: []models.Choice{{Text: "a", Correct: true}, {Text: "b"}}}, "kind"},
		"one choice":         {models.QuestionInput{Kind: "single", Prompt: "p", Choices: []models.Choice{{Text: "a", Correct: true}}}, "choices"},
		"nine choices":       {models.QuestionInput{Kind: "multiple", Prompt: "p", Choices: make([]models.Choice, 9)}, "choices"},
		"single two correct": {models.QuestionInput{Kind: "single", Prompt: "p", Choices: []models.Choice{{Text: "a", Correct: true}, {Text: "b", Correct: true}}}, "correct"},
		"tf none correct":    {models.QuestionInput{Kind: "truefalse", Prompt: "p", Choices: []models.Choice{{Text: "True"}, {Text: "False"}}}, "correct"},
		"tf three choices":   {models.QuestionInput{Kind: "truefalse", Prompt: "p", Choices: []models.Choice{{Text: "Yes", Correct: true}, {Text: "No"}, {Text: "Maybe"}}}, "choices"},
		"multiple none":      {models.QuestionInput{Kind: "multiple", Prompt: "p", Choices: []models.Choice{{Text: "a"}, {Text: "b"}}}, "correct"},
		"invalid utf8":       {models.QuestionInput{Kind: "single", Prompt: "p\xff", Choices: []models.Choice{{Text: "a", Correct: true}, {Text: "b"}}}, "prompt"},
		"long explanation":   {models.QuestionInput{Kind: "single", Prompt: "p", Explanation: strings.Repeat("x", 2001), Choices: []models.Choice{{Text: "a", Correct: true}, {Text: "b"}}}, "explanation"},
	}
	for name, tc := range cases {
		tc.in.Normalize()
		if fe := tc.in.Validate(); fe[tc.field] == "" {
			t.Errorf("%s: got errors %v, want one for %s", name, fe, tc.field)
		}
	}
	for _, ok := range []models.QuestionInput{tfQuestion(), multiQuestion()} {
		if fe := ok.Validate(); fe.Any() {
			t.Errorf("%q: got errors %v, want none", ok.Prompt, fe)
		}
	}
}

func TestQuizAnswerAttemptsAndRetry(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "quiz", 2)
	step, _ := m.Steps.At(ctx, g.ID, 1)
	alice := newUser(t, m, "alice@example.com")
	bob := newUser(t, m, "bob@example.com")
	q1, err := m.Quizzes.Add(ctx, step.ID, tfQuestion())
	if err != nil {
		t.Fatal(err)
	}
	q2, err := m.Quizzes.Add(ctx, step.ID, multiQuestion())
	if err != nil {
		t.Fatal(err)
	}

	quiz, err := m.Quizzes.ForStep(ctx, step.ID, alice.ID)
	if err != nil || len(quiz.Questions) != 2 || quiz.Attempted {
		t.Fatalf("before answering: got %+v, %v", quiz, err)
	}
	if quiz.Questions[0].ID != q1 || quiz.Questions[1].Position != 2 {
		t.Errorf("order: got %d then position %d", quiz.Questions[0].ID, quiz.Questions[1].Position)
	}

	// Wrong on the second question (only one of two right choices), and
	// out-of-range indexes and another step's question ids are ignored.
	qs, err := m.Quizzes.Questions(ctx, step.ID)
	if err != nil {
		t.Fatal(err)
	}
	answered, passed, err := m.Quizzes.Answer(ctx, alice.ID, step.ID, qs, map[int64][]int{q1: {0}, q2: {1, 9, -1}, 999: {0}})
	if err != nil || passed {
		t.Fatalf("first attempt: got %v, %v; want failed", passed, err)
	}
	// Answer returns what it recorded, so a caller need not read it back.
	if len(answered) != 2 || !answered[0].Right || answered[1].Right || !answered[1].IsChosen(1) || len(answered[1].Chosen) != 1 {
		t.Errorf("answered: got %+v", answered)
	}
	quiz, _ = m.Quizzes.ForStep(ctx, step.ID, alice.ID)
	if !quiz.Attempted || quiz.LastPassed || quiz.Passed {
		t.Errorf("after wrong attempt: %+v", quiz)
	}
	if !quiz.Questions[0].Right || quiz.Questions[1].Right || !quiz.Questions[1].IsChosen(1) || len(quiz.Questions[1].Chosen) != 1 {
		t.Errorf("answers: got %+v", quiz.Questions)
	}
	if ok, _ := m.Quizzes.MayComplete(ctx, alice.ID, step.ID); !ok {
		t.Errorf("not required: MayComplete should be true")
	}
	if err := m.Quizzes.SetRequired(ctx, g.ID, true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := m.Quizzes.MayComplete(ctx, alice.ID, step.ID); ok {
		t.Errorf("required and failed: MayComplete should be false")
	}
	other, _ := m.Steps.At(ctx, g.ID, 2)
	if ok, _ := m.Quizzes.MayComplete(ctx, alice.ID, other.ID); !ok {
		t.Errorf("a step without a quiz is never blocked")
	}

	// Retry, all right.
	_, passed, err = m.Quizzes.Answer(ctx, alice.ID, step.ID, qs, map[int64][]int{q1: {0}, q2: {3, 1}})
	if err != nil || !passed {
		t.Fatalf("retry: got %v, %v; want passed", passed, err)
	}
	quiz, _ = m.Quizzes.ForStep(ctx, step.ID, alice.ID)
	if !quiz.LastPassed || !quiz.Passed || !quiz.Required {
		t.Errorf("after retry: %+v", quiz)
	}
	if ok, _ := m.Quizzes.MayComplete(ctx, alice.ID, step.ID); !ok {
		t.Errorf("passed: MayComplete should be true")
	}

	// Bob sees none of Alice's attempts.
	quiz, _ = m.Quizzes.ForStep(ctx, step.ID, bob.ID)
	if quiz.Attempted || quiz.Passed || quiz.Questions[0].Answered {
		t.Errorf("bob sees alice's attempt: %+v", quiz)
	}
	if ok, _ := m.Quizzes.MayComplete(ctx, bob.ID, step.ID); ok {
		t.Errorf("bob has not passed")
	}

	stats, err := m.Quizzes.Stats(ctx, g.ID)
	if err != nil || len(stats) != 2 {
		t.Fatalf("stats: %v, %v", stats, err)
	}
	if stats[0].Answers != 2 || stats[0].Correct != 2 || stats[1].Answers != 2 || stats[1].Correct != 1 || stats[1].PercentCorrect() != 50 {
		t.Errorf("stats: got %+v", stats)
	}

	if _, _, err := m.Quizzes.Answer(ctx, alice.ID, other.ID, nil, nil); err != models.ErrNotFound {
		t.Errorf("answering a step without a quiz: got %v, want ErrNotFound", err)
	}

	// Alice's data download holds her answers (2 attempts × 2 questions),
	// and deleting her account deletes them.
	exp, err := m.Users.Export(ctx, alice.ID)
	if err != nil || len(exp.QuizAnswers) != 4 || exp.QuizAnswers[0].Question != "Is water wet?" || !exp.QuizAnswers[3].Passed {
		t.Errorf("export: %+v, %v", exp.QuizAnswers, err)
	}
	if err := m.Users.Delete(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if stats, _ := m.Quizzes.Stats(ctx, g.ID); stats[0].Answers != 0 {
		t.Errorf("answers left after deleting the account: %+v", stats)
	}
}

func TestQuizEditAndDeleteStayOnTheirStep(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "edit", 2)
	s1, _ := m.Steps.At(ctx, g.ID, 1)
	s2, _ := m.Steps.At(ctx, g.ID, 2)
	id, err := m.Quizzes.Add(ctx, s1.ID, tfQuestion())
	if err != nil {
		t.Fatal(err)
	}
	changed := multiQuestion()
	if err := m.Quizzes.Update(ctx, s2.ID, id, changed); err != models.ErrNotFound {
		t.Errorf("update through another step: got %v, want ErrNotFound", err)
	}
	if err := m.Quizzes.Delete(ctx, s2.ID, id); err != models.ErrNotFound {
		t.Errorf("delete through another step: got %v, want ErrNotFound", err)
	}
	if err := m.Quizzes.Update(ctx, s1.ID, id, changed); err != nil {
		t.Fatal(err)
	}
	qs, _ := m.Quizzes.Questions(ctx, s1.ID)
	if len(qs) != 1 || qs[0].Kind != models.QuizMultiple || len(qs[0].Choices) != 4 || !qs[0].Choices[3].Correct {
		t.Errorf("after update: %+v", qs)
	}
	if err := m.Quizzes.Delete(ctx, s1.ID, id); err != nil {
		t.Fatal(err)
	}
	if qs, _ := m.Quizzes.Questions(ctx, s1.ID); len(qs) != 0 {
		t.Errorf("after delete: %d questions", len(qs))
	}
}

// The built-in guide has a quiz on every step; a database loaded before
// quizzes existed gets them on the next start, once, without touching a
// step that has questions or was retitled, and a deleted quiz stays
// deleted.
func TestBuiltinGuideQuizzes(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	if _, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides()); err != nil {
		t.Fatal(err)
	}
	g, _ := m.Guides.BySlug(ctx, "backend-web-development")
	steps, _ := m.Steps.List(ctx, g.ID)
	counts := func() []int {
		out := make([]int, len(steps))
		for i, s := range steps {
			qs, err := m.Quizzes.Questions(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = len(qs)
		}
		return out
	}
	for i, n := range counts() {
		if n == 0 {
			t.Errorf("step %d has no quiz", i+1)
		}
	}

	// Simulate a database from before quizzes: no questions, not loaded;
	// an author retitled step 2 and wrote their own question on step 3.
	db := testDB(m)
	for _, q := range []string{`DELETE FROM quiz_questions`, `UPDATE guides SET builtin_quizzes_loaded = FALSE`,
		`UPDATE steps SET title = 'Mine' WHERE position = 2`} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Quizzes.Add(ctx, steps[2].ID, tfQuestion()); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides()); err != nil {
		t.Fatal(err)
	}
	got := counts()
	if got[1] != 0 || got[2] != 1 || got[0] == 0 || got[9] == 0 {
		t.Errorf("after backfill: question counts %v; want step 2 none (retitled), step 3 only the author's", got)
	}
	// An author deletes step 1's quiz; a restart does not bring it back.
	if _, err := db.Exec(ctx, `DELETE FROM quiz_questions WHERE step_id = ?`, steps[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides()); err != nil {
		t.Fatal(err)
	}
	if again := counts(); again[0] != 0 || again[9] != got[9] {
		t.Errorf("after another start: %v", again)
	}
}
