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

// SaveQuestion adds in to the quiz of step n of the guide with slug
// (id 0), or replaces the step's question id with it, and returns the
// question as stored. actor must be allowed to edit the guide. Refusals:
// those of EditableStep, RefusedInvalid (fields kind, prompt, choices,
// correct, explanation), RefusedNotFound "question_not_found".
func (s *Service) SaveQuestion(ctx context.Context, actor *models.User, slug string, n int, id int64, in models.QuestionInput) (models.Question, error) {
	var q models.Question
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		_, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		in.Normalize()
		if fe := in.Validate(); fe.Any() {
			return models.Invalid(fe)
		}
		if id == 0 {
			id, err = s.m.Quizzes.Add(ctx, st.ID, in)
		} else {
			err = s.m.Quizzes.Update(ctx, st.ID, id, in)
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

// DeleteQuestion removes question id from the quiz of step n of the
// guide with slug, with the learners' answers to it. Refusals: those of
// EditableStep, RefusedNotFound "question_not_found".
func (s *Service) DeleteQuestion(ctx context.Context, actor *models.User, slug string, n int, id int64) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		_, st, err := s.EditableStep(ctx, actor, slug, n)
		if err != nil {
			return err
		}
		err = s.m.Quizzes.Delete(ctx, st.ID, id)
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
