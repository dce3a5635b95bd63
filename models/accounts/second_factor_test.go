package accounts_test

import (
	"testing"
	"time"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestCompleteSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("two@example.com")
	secret, codes := f.twoFactor(u)
	step := accounts.SecondStep{UserID: u.ID}

	_, err := f.s.CompleteSignIn(f.ctx, f.at, step)
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["code"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	step.Code = wrongCode(nextCode(t, secret))
	_, err = f.s.CompleteSignIn(f.ctx, f.at, step)
	r = wantRefusal(t, err, models.RefusedCredentials, "wrong_code")
	if r.Fields["code"] == "" || f.events(models.EventTwoFactorFailure) != 1 {
		t.Errorf("fields = %v; the failure must be audited", r.Fields)
	}

	step.Code = nextCode(t, secret)
	out, err := f.s.CompleteSignIn(f.ctx, f.at, step)
	ok(t, err)
	if out.User.ID != u.ID || out.SessionID == "" || out.Factor != models.FactorTOTP || f.events(models.EventLoginSuccess) != 1 {
		t.Fatalf("signed in = %+v", out)
	}

	// A recovery code works once, and says how many are left.
	step.Code = codes[0]
	out, err = f.s.CompleteSignIn(f.ctx, f.at, step)
	ok(t, err)
	if out.Factor != models.FactorRecoveryCode || out.RecoveryCodesLeft != len(codes)-1 {
		t.Fatalf("after a recovery code: %+v", out)
	}
	if f.events(models.EventRecoveryCodeUsed) != 1 {
		t.Error("the recovery code's use is not audited")
	}
	_, err = f.s.CompleteSignIn(f.ctx, f.at, step)
	wantRefusal(t, err, models.RefusedCredentials, "wrong_code")
}

func TestCompleteSignInThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("guess@example.com")
	f.twoFactor(u)
	step := accounts.SecondStep{UserID: u.ID, Code: "not-a-code"}
	for i := 0; i <= models.AccountLimit.Free; i++ {
		_, err := f.s.CompleteSignIn(f.ctx, f.at, step)
		wantRefusal(t, err, models.RefusedCredentials, "wrong_code")
	}
	_, err := f.s.CompleteSignIn(f.ctx, f.at, step)
	r := wantRefusal(t, err, models.RefusedThrottled, "too_many_attempts")
	if r.RetryAfter <= 0 || f.events(models.EventLoginThrottled) != 1 {
		t.Errorf("RetryAfter %v; the throttled code must be audited", r.RetryAfter)
	}
}

func TestCompleteSignInAccountChangedMeanwhile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("gone@example.com")
	f.twoFactor(u)

	_, err := f.s.CompleteSignIn(f.ctx, f.at, accounts.SecondStep{UserID: u.ID + 100, Code: "123456"})
	wantRefusal(t, err, models.RefusedNotFound, "no_account")

	f.exec(`UPDATE users SET locked_at = ? WHERE id = ?`, time.Now().UTC(), u.ID)
	_, err = f.s.CompleteSignIn(f.ctx, f.at, accounts.SecondStep{UserID: u.ID, Code: "123456"})
	wantRefusal(t, err, models.RefusedForbidden, "account_locked")

	v := f.user("plain@example.com")
	_, err = f.s.CompleteSignIn(f.ctx, f.at, accounts.SecondStep{UserID: v.ID, Code: "123456"})
	wantRefusal(t, err, models.RefusedRule, "two_factor_off")
}
