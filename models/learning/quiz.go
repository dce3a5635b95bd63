package learning

import (
	"context"
	"fmt"
	"strconv"

	"stepwise/models"
)

// QuizAnswers is one attempt at a step's quiz.
type QuizAnswers struct {
	StepRef
	// Answers maps each question's id, as text, to the zero-based
	// indexes of the chosen choices. A question left out counts as
	// wrong; nil is no answer at all, which is refused.
	Answers map[string][]int
}

// QuizResult is the attempt recorded and the quiz as the learner now
// sees it, with the latest attempt's results and explanations.
type QuizResult struct {
	Target
	// Passed reports whether every answer was right.
	Passed bool
	Quiz   models.StepQuiz
}

// errNoQuiz refuses an attempt at a step without questions.
var errNoQuiz = models.Refuse(models.RefusedNotFound, CodeNoQuiz, "This step has no quiz.")

// AnswerQuiz records user's attempt at the step's quiz in one
// transaction and returns its result. An answer the quiz cannot have (an
// unknown question, a choice out of range or given twice, two choices
// for a single-choice question) refuses the whole attempt as invalid,
// with a message per answer; nothing is silently dropped.
func (s *Service) AnswerQuiz(ctx context.Context, user *models.User, in QuizAnswers) (QuizResult, error) {
	var out QuizResult
	err := s.db.WithTxFor(ctx, learnerKey(user), func(ctx context.Context) error {
		t, err := s.locate(ctx, user, in.StepRef)
		if err != nil {
			return err
		}
		// The quiz as it was, read once: its questions check and score
		// the attempt, and with the attempt's answers it is the result,
		// so the questions are not read again after recording.
		quiz, err := s.m.Quizzes.ForStep(ctx, t.Step.ID, user.ID)
		if err != nil {
			return err
		}
		if !quiz.HasQuiz() {
			return errNoQuiz
		}
		questions := make([]models.Question, len(quiz.Questions))
		for i, q := range quiz.Questions {
			questions[i] = q.Question
		}
		chosen, fe := readAnswers(in.Answers, questions)
		if fe.Any() {
			return models.Invalid(fe)
		}
		answered, passed, err := s.m.Quizzes.Answer(ctx, user.ID, t.Step.ID, questions, chosen)
		if err != nil {
			return err
		}
		quiz.Questions, quiz.Attempted, quiz.LastPassed = answered, true, passed
		quiz.Passed = quiz.Passed || passed
		out = QuizResult{Target: t, Passed: passed, Quiz: quiz}
		return nil
	})
	if err != nil {
		return QuizResult{}, err
	}
	return out, nil
}

// readAnswers checks the answers against the step's questions; field
// names are "answers" and "answers.{id}".
func readAnswers(answers map[string][]int, questions []models.Question) (map[int64][]int, models.FieldErrors) {
	fe := models.FieldErrors{}
	if answers == nil {
		fe.Add("answers", "Give an object mapping each question id to the indexes of the choices you pick.")
		return nil, fe
	}
	byID := map[int64]models.Question{}
	for _, q := range questions {
		byID[q.ID] = q
	}
	chosen := map[int64][]int{}
	for key, picks := range answers {
		field := "answers." + key
		id, err := strconv.ParseInt(key, 10, 64)
		q, ok := byID[id]
		if err != nil || !ok {
			fe.Add(field, "This step's quiz has no question with this id.")
			continue
		}
		seen := map[int]bool{}
		for _, i := range picks {
			switch {
			case i < 0 || i >= len(q.Choices):
				fe.Add(field, fmt.Sprintf("Choose choice indexes from 0 to %d.", len(q.Choices)-1))
			case seen[i]:
				fe.Add(field, "Choose each choice at most once.")
			}
			seen[i] = true
		}
		if q.Kind != models.QuizMultiple && len(picks) > 1 {
			fe.Add(field, "This question takes one choice.")
		}
		chosen[id] = picks
	}
	return chosen, fe
}
