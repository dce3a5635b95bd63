package learning

import (
	"context"

	"stepwise/models"
)

// StepInput is a learner's action on one step.
type StepInput struct {
	StepRef
	// Check, when set, runs in the operation's transaction once the step
	// is found and before anything changes; its error stops the
	// operation and is returned as it is. The API applies If-Match here,
	// so the progress it compares is the progress that is changed.
	Check func(ctx context.Context, t Target) error
}

// Completion is the learner's progress after completing or undoing a
// step.
type Completion struct {
	Target
	// Done reports whether the step is complete now.
	Done bool
	// Completed and Total count the guide's steps the learner has done
	// and all of its steps.
	Completed, Total int
	// Certificate is the code of the certificate this operation issued,
	// "" when it issued none (not finished yet, or issued before).
	Certificate string
}

// Finished reports whether the learner has completed every step of the
// guide.
func (c Completion) Finished() bool { return c.Total > 0 && c.Completed >= c.Total }

// quizNotPassed is why a step cannot be completed yet; both surfaces
// show this sentence.
var quizNotPassed = models.Refuse(models.RefusedRule, CodeQuizNotPassed,
	"Pass this step's quiz (every answer right in one attempt) before marking the step complete.")

// CompleteStep marks the step complete for user: the guide's quiz rule
// first (a required quiz not passed refuses with quiz_not_passed), then
// the progress row with its progress.step_completed event, then, when
// it was the last step, the certificate with its guide.completed event,
// all in one transaction. Completing a step already complete changes
// nothing and is never refused, so a repeated request is harmless.
func (s *Service) CompleteStep(ctx context.Context, user *models.User, in StepInput) (Completion, error) {
	return s.change(ctx, user, in, func(ctx context.Context, t Target) (done, added bool, err error) {
		added, err = s.m.Progress.Complete(ctx, user.ID, t.Step)
		return true, added, err
	})
}

// UndoStep marks the step not complete for user. Undoing is always
// allowed and keeps a certificate already issued.
func (s *Service) UndoStep(ctx context.Context, user *models.User, in StepInput) (Completion, error) {
	return s.change(ctx, user, in, func(ctx context.Context, t Target) (done, added bool, err error) {
		return false, false, s.m.Progress.Set(ctx, user.ID, t.Step, false)
	})
}

// ToggleStep completes the step when it is not complete (with
// CompleteStep's rules) and undoes it when it is.
func (s *Service) ToggleStep(ctx context.Context, user *models.User, in StepInput) (Completion, error) {
	return s.change(ctx, user, in, func(ctx context.Context, t Target) (done, added bool, err error) {
		done, err = s.m.Progress.Toggle(ctx, user.ID, t.Step)
		return done, done, err
	})
}

// change runs apply on the step in's ref names, in one transaction.
// apply reports the step's new state and whether it newly completed the
// step; if so the quiz
// rule is checked against the new state (a refusal rolls the row and its
// event back with everything else) and the certificate issued when the
// guide is finished.
func (s *Service) change(ctx context.Context, user *models.User, in StepInput,
	apply func(ctx context.Context, t Target) (done, added bool, err error)) (Completion, error) {
	var out Completion
	err := s.db.WithTxFor(ctx, learnerKey(user), func(ctx context.Context) error {
		t, err := s.locate(ctx, user, in.StepRef)
		if err != nil {
			return err
		}
		if in.Check != nil {
			if err := in.Check(ctx, t); err != nil {
				return err
			}
		}
		done, added, err := apply(ctx, t)
		if err != nil {
			return err
		}
		if added {
			ok, err := s.m.Quizzes.MayComplete(ctx, user.ID, t.Step.ID)
			if err != nil {
				return err
			}
			if !ok {
				return quizNotPassed
			}
		}
		out, err = s.progress(ctx, user, t, done)
		return err
	})
	if err != nil {
		return Completion{}, err
	}
	return out, nil
}

// progress counts the learner's steps done in t's guide and issues the
// certificate when every one is (a no-op when it was issued before).
func (s *Service) progress(ctx context.Context, user *models.User, t Target, done bool) (Completion, error) {
	out := Completion{Target: t, Done: done}
	var err error
	if out.Completed, out.Total, err = s.m.Progress.Tally(ctx, user.ID, t.Guide.ID); err != nil {
		return out, err
	}
	if out.Finished() {
		out.Certificate, err = s.m.Certificates.IssueIfComplete(ctx, *user, t.Guide)
	}
	return out, err
}
