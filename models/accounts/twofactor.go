package accounts

import (
	"context"
	"errors"
	"strings"

	"stepwise/models"
	"stepwise/models/totp"
)

// TwoFactorSetup is a secret being set up and a code from the app that
// confirms it.
type TwoFactorSetup struct {
	Secret string
	Code   string
}

// EnableTwoFactor turns two-factor on for u once a code confirms the new
// secret (a missing, malformed or wrong code is RefusedInvalid on the
// code field), and returns the recovery codes to show once. An account
// that has it on already is RefusedConflict "two_factor_on". The
// secret, the codes and the audit row are one transaction.
func (s *Service) EnableTwoFactor(ctx context.Context, o models.Origin, u *models.User, in TwoFactorSetup) ([]string, error) {
	if err := own(u); err != nil {
		return nil, err
	}
	if u.TwoFactor() {
		return nil, twoFactorOn()
	}
	var step int64
	switch ok := false; {
	case strings.TrimSpace(in.Code) == "":
		return nil, models.Invalid(models.FieldErrors{"code": "Enter the 6-digit code your app shows."})
	case !totp.IsCode(in.Code):
		return nil, models.Invalid(models.FieldErrors{"code": "Enter the 6 digits your app shows, without letters."})
	default:
		if step, ok = s.m.TwoFactor.CheckNewSecret(in.Secret, in.Code); !ok {
			return nil, models.Invalid(models.FieldErrors{"code": "That code does not match. Enter the newest code your app shows, and check that your phone’s clock is right."})
		}
	}
	var codes []string
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		codes, err = s.m.TwoFactor.Enable(ctx, u.ID, in.Secret, step)
		if errors.Is(err, models.ErrConflict) { // turned on meanwhile, in another tab
			return twoFactorOn()
		}
		if err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventTwoFactorOn, u.ID, ""))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// TwoFactorConfirm is what a change to two-factor asks for: the password
// and a current code (or a recovery code).
type TwoFactorConfirm struct {
	Password string
	Code     string
	// Device is the nonce of the browser's device cookie when it is
	// valid for the account ("" otherwise).
	Device string
}

// DisableTwoFactor turns two-factor off for u once in confirms it (see
// confirmTwoFactor for its refusals); the change and its audit row are
// one transaction.
func (s *Service) DisableTwoFactor(ctx context.Context, o models.Origin, u *models.User, in TwoFactorConfirm) error {
	budget, err := s.confirmTwoFactor(ctx, o, u, in)
	if err != nil {
		return err
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.m.TwoFactor.Disable(ctx, u.ID); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventTwoFactorOff, u.ID, ""))
	})
	if err != nil {
		return err
	}
	return s.m.Throttle.Succeeded(ctx, budget)
}

// RegenerateRecoveryCodes replaces u's recovery codes once in confirms
// it (see confirmTwoFactor), and returns the new set to show once; the
// codes and the audit row are one transaction.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, o models.Origin, u *models.User, in TwoFactorConfirm) ([]string, error) {
	budget, err := s.confirmTwoFactor(ctx, o, u, in)
	if err != nil {
		return nil, err
	}
	var codes []string
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		codes, err = s.m.TwoFactor.RegenerateRecoveryCodes(ctx, u.ID)
		if errors.Is(err, models.ErrConflict) { // turned off meanwhile
			return twoFactorOff()
		}
		if err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventRecoveryCodesNew, u.ID, ""))
	})
	if err != nil {
		return nil, err
	}
	if err := s.m.Throttle.Succeeded(ctx, budget); err != nil {
		return nil, err
	}
	return codes, nil
}

// confirmTwoFactor checks the password and then the code of a change to
// u's two-factor, and returns the code's budget for the caller to clear
// once the change is made. Two-factor off is RefusedConflict
// "two_factor_off". A wrong password or a missing code is RefusedInvalid
// (password, code); the code is checked only after the right password,
// so a mistyped password does not use up a recovery code. The code goes
// through the one second-factor check (throttled: RefusedThrottled; a
// wrong one RefusedInvalid on the code field, since the signed-in
// account's form is what is wrong, not who is asking), with the
// message on the code field either way.
func (s *Service) confirmTwoFactor(ctx context.Context, o models.Origin, u *models.User, in TwoFactorConfirm) (models.Budget, error) {
	if err := own(u); err != nil {
		return nil, err
	}
	if !u.TwoFactor() {
		return nil, twoFactorOff()
	}
	fe := models.FieldErrors{}
	switch ok, err := s.confirmPassword(ctx, *u, in.Password); {
	case err != nil:
		return nil, err
	case !ok:
		fe.Add("password", "That is not your password.")
	}
	if strings.TrimSpace(in.Code) == "" {
		fe.Add("code", codeMissing)
	}
	if fe.Any() {
		return nil, models.Invalid(fe)
	}
	budget := models.TwoFactorBudget(u.ID, o.IP, in.Device)
	_, err := s.checkCode(ctx, o, *u, in.Code, budget, "")
	r, ok := models.AsRefusal(err)
	switch {
	case err == nil:
		return budget, nil
	case ok && r.Kind == models.RefusedCredentials:
		return nil, models.Invalid(models.FieldErrors{"code": codeWrong})
	case ok && r.Kind == models.RefusedThrottled:
		r.Fields = models.FieldErrors{"code": r.Reason}
	}
	return nil, err
}

// twoFactorOn refuses setting up two-factor that is on already.
func twoFactorOn() error {
	return models.Refuse(models.RefusedConflict, "two_factor_on", "Two-factor authentication is on already.")
}

// twoFactorOff refuses changing two-factor that is off.
func twoFactorOff() error {
	return models.Refuse(models.RefusedConflict, "two_factor_off", "Two-factor authentication is off.")
}
