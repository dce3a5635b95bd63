package authoring

import (
	"context"
	"errors"

	"stepwise/models"
)

// questionNotFound refuses a question id that is not of the step.
func questionNotFound() *models.Refusal {
	return models.Refuse(models.RefusedNotFound, "question_not_found", "The step's quiz has no such question.")
}

// QuestionSave is a question to add to a step's quiz (ID 0) or to put in
// place of the step's question ID.
type QuestionSave struct {
	ID    int64
	Input models.QuestionInput
	// Patch, when set on a replacement, makes the new question from the
	// stored one's fields (the API's PATCH, whose absent fields stay as
	// they are) in place of Input. It runs in the transaction, so the
	// fields it keeps are the stored ones, not an earlier read's.
	Patch func(current models.QuestionInput) models.QuestionInput
	// Check, when set on a replacement, runs in the transaction with the
	// question as stored before it is replaced; its error stops the
	// operation and is returned as it is. The API applies If-Match here,
	// so a question changed in between is never overwritten.
	Check func(current models.Question) error
}

// SaveQuestion adds in to the quiz of step n of the guide with slug
// (in.ID 0), or replaces the step's question in.ID with it, and returns
// the question as stored. actor must be allowed to edit the guide.
// Refusals: those of EditableStep, RefusedNotFound "question_not_found",
// in.Check's error, RefusedInvalid (fields kind, prompt, choices,
// correct, explanation).
func (s *Service) SaveQuestion(ctx context.Context, actor *models.User, slug string, n int, in QuestionSave) (models.Question, error) {
	var q models.Question
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		_, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		id, input := in.ID, in.Input
		if id != 0 && (in.Check != nil || in.Patch != nil) {
			cur, err := s.Question(ctx, st.ID, id)
			if err != nil {
				return err
			}
			if in.Check != nil {
				if err := in.Check(cur); err != nil {
					return err
				}
			}
			if in.Patch != nil {
				input = in.Patch(models.QuestionInput{Kind: cur.Kind, Prompt: cur.Prompt, Explanation: cur.Explanation, Choices: cur.Choices})
			}
		}
		input.Normalize()
		if fe := input.Validate(); fe.Any() {
			return models.Invalid(fe)
		}
		if id == 0 {
			id, err = s.m.Quizzes.Add(ctx, st.ID, input)
		} else {
			err = s.m.Quizzes.Update(ctx, st.ID, id, input)
		}
		if errors.Is(err, models.ErrNotFound) {
			return questionNotFound()
		}
		if err != nil {
			return err
		}
		q, err = s.Question(ctx, st.ID, id)
		return err
	})
	return q, err
}

// Question returns question id of the step with stepID (found through
// EditableStep); another step's is RefusedNotFound.
func (s *Service) Question(ctx context.Context, stepID, id int64) (models.Question, error) {
	qs, err := s.m.Quizzes.Questions(ctx, stepID)
	if err != nil {
		return models.Question{}, err
	}
	for _, q := range qs {
		if q.ID == id {
			return q, nil
		}
	}
	return models.Question{}, questionNotFound()
}

// QuestionDeletion removes a step's question ID.
type QuestionDeletion struct {
	ID int64
	// Check is QuestionSave's, with the question about to be removed.
	Check func(current models.Question) error
}

// DeleteQuestion removes question in.ID from the quiz of step n of the
// guide with slug, with the learners' answers to it. Refusals: those of
// EditableStep, RefusedNotFound "question_not_found", in.Check's error.
func (s *Service) DeleteQuestion(ctx context.Context, actor *models.User, slug string, n int, in QuestionDeletion) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		_, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		if in.Check != nil {
			cur, err := s.Question(ctx, st.ID, in.ID)
			if err != nil {
				return err
			}
			if err := in.Check(cur); err != nil {
				return err
			}
		}
		err = s.m.Quizzes.Delete(ctx, st.ID, in.ID)
		if errors.Is(err, models.ErrNotFound) {
			return questionNotFound()
		}
		return err
	})
}

// SetQuizRequired sets whether learners of the guide with slug must pass
// each step's quiz before the step counts as complete. Refusals: those of
// Editable.
func (s *Service) SetQuizRequired(ctx context.Context, actor *models.User, slug string, required bool) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Editable(ctx, actor, slug)
		if err != nil {
			return err
		}
		return s.m.Quizzes.SetRequired(ctx, r.ID, required)
	})
}
