package learning

import (
	"context"
	"errors"

	"stepwise/models"
)

// StepRef names the step a learner acts on, as both surfaces address it:
// the guide's slug and the step's 1-based position. A position below 1
// is simply not found.
type StepRef struct {
	Guide string
	Step  int
}

// Target is the guide and step an operation found for a StepRef, for the
// adapters to render from.
type Target struct {
	Guide models.Guide
	Step  models.Step
}

// Codes of the refusals the learning operations return, stable for API
// clients and tests.
const (
	CodeNotFound      = "not_found"
	CodeSignIn        = "sign_in_required"
	CodeDraft         = "draft"
	CodeQuizNotPassed = "quiz_not_passed"
	CodeNoQuiz        = "no_quiz"
	CodeNoNote        = "no_note"
)

// Refusals shared by the operations.
var (
	errNoStep = models.Refuse(models.RefusedNotFound, CodeNotFound, "There is no such guide or step, or you may not see it.")
	errSignIn = models.Refuse(models.RefusedForbidden, CodeSignIn, "Sign in to keep your progress, quiz answers and notes.")
	errDraft  = models.Refuse(models.RefusedForbidden, CodeDraft,
		"This guide is a draft: progress, quiz answers and notes are kept on published guides only.")
)

// locate finds the step ref names for user and applies the policy: a
// guide the user may not see (another's draft) is not found, one they
// may see but not track (their own draft) is forbidden. Both surfaces
// get the same answer because this is the one place it is decided.
func (s *Service) locate(ctx context.Context, user *models.User, ref StepRef) (Target, error) {
	if user == nil {
		return Target{}, errSignIn
	}
	if ref.Step < 1 {
		return Target{}, errNoStep
	}
	r, err := s.m.Guides.Record(ctx, ref.Guide, user.ID)
	if errors.Is(err, models.ErrNotFound) {
		return Target{}, errNoStep
	}
	if err != nil {
		return Target{}, err
	}
	if !models.CanReadGuide(user, r.Guide) && !models.CanEditGuide(user, r.Editable()) {
		return Target{}, errNoStep
	}
	if !models.CanTrackProgress(user, r.Guide) {
		return Target{}, errDraft
	}
	step, err := s.m.Steps.At(ctx, r.ID, ref.Step)
	if errors.Is(err, models.ErrNotFound) {
		return Target{}, errNoStep
	}
	if err != nil {
		return Target{}, err
	}
	return Target{Guide: r.Guide, Step: step}, nil
}
