package accounts

import (
	"context"
	"errors"
	"strings"

	"stepwise/models"
)

// SecondStep is the code a browser gives after a right password.
type SecondStep struct {
	// UserID is the account whose password was right (the session
	// remembers it meanwhile).
	UserID int64
	Code   string
	// Device is the nonce of the browser's device cookie when it is
	// valid for the account ("" otherwise).
	Device string
}

// CompleteSignIn checks a browser's second factor and signs it in: the
// code is throttled by models.TwoFactorBudget, and a wrong one
// (RefusedCredentials, with the code field's message) is counted and
// audited in their own writes. An account deleted, locked or without
// two-factor since the password was given is refused (RefusedNotFound,
// RefusedForbidden, RefusedRule). Success writes the session row and
// login.success in one transaction and then clears both the code's and
// the password's budgets.
func (s *Service) CompleteSignIn(ctx context.Context, o models.Origin, in SecondStep) (SignedIn, error) {
	u, err := s.m.Users.ByID(ctx, in.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return SignedIn{}, models.Refuse(models.RefusedNotFound, "no_account", "That account no longer exists. Log in again.")
	}
	if err != nil {
		return SignedIn{}, err
	}
	switch {
	case u.Locked():
		return SignedIn{}, models.Refuse(models.RefusedForbidden, "account_locked", accountLocked)
	case !u.TwoFactor():
		return SignedIn{}, models.Refuse(models.RefusedRule, "two_factor_off", "This account no longer uses two-factor authentication. Log in again.")
	case strings.TrimSpace(in.Code) == "":
		return SignedIn{}, models.Invalid(models.FieldErrors{"code": codeMissing})
	}
	budget := models.TwoFactorBudget(u.ID, o.IP, in.Device)
	factor, err := s.checkCode(ctx, o, u, in.Code, budget, "")
	if err != nil {
		return SignedIn{}, err
	}
	return s.finish(ctx, o, SignedIn{User: u, Factor: factor}, Browser,
		budget, models.LoginBudget(u.Email, o.IP, in.Device))
}

// checkCode is the one check of a second factor, at sign-in and before
// a change to two-factor alike: input is u's TOTP code or a recovery
// code, guessed against budget. A throttled guess is refused
// (RefusedThrottled) and audited; a wrong one counted and audited as
// 2fa.failure and refused (RefusedCredentials, with the code field's
// message); a recovery code's use is audited. These writes stand on
// their own: a refusal does not undo them. The caller clears the budget
// once its whole operation succeeded.
func (s *Service) checkCode(ctx context.Context, o models.Origin, u models.User, input string, budget models.Budget, detail string) (models.SecondFactor, error) {
	if err := s.checkBudget(ctx, o, budget, u.ID, "two-factor code"); err != nil {
		return models.FactorNone, err
	}
	f, err := s.m.TwoFactor.Verify(ctx, u, input)
	if err != nil {
		return models.FactorNone, err
	}
	switch f {
	case models.FactorNone:
		if err := s.failed(ctx, o, budget, models.EventTwoFactorFailure, u.ID, detail); err != nil {
			return f, err
		}
		r := models.Refuse(models.RefusedCredentials, "wrong_code", codeWrong)
		r.Fields = models.FieldErrors{"code": codeWrong}
		return f, r
	case models.FactorRecoveryCode:
		if err := s.m.Audit.Record(ctx, o.Entry(models.EventRecoveryCodeUsed, u.ID, detail)); err != nil {
			return f, err
		}
	}
	return f, nil
}
