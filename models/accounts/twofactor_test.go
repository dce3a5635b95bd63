package accounts_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestEnableTwoFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("setup@example.com")
	o := f.at.As(u.ID)
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Stepwise", AccountName: u.Email})
	ok(t, err)
	code, _ := totp.GenerateCode(key.Secret(), time.Now())

	for _, c := range []string{"", "abcdef", wrongCode(code)} {
		_, err := f.s.EnableTwoFactor(f.ctx, o, &u, accounts.TwoFactorSetup{Secret: key.Secret(), Code: c})
		r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
		if r.Fields["code"] == "" {
			t.Errorf("code %q: fields = %v", c, r.Fields)
		}
	}
	_, err = f.s.EnableTwoFactor(f.ctx, f.at, nil, accounts.TwoFactorSetup{Secret: key.Secret(), Code: code})
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
	codes, err := f.s.EnableTwoFactor(f.ctx, o, &u, accounts.TwoFactorSetup{Secret: key.Secret(), Code: code})
	ok(t, err)
	if on := f.reload(u); len(codes) != models.RecoveryCodeCount || !on.TwoFactor() || f.events(models.EventTwoFactorOn) != 1 {
		t.Fatalf("%d codes; two-factor must be on and audited", len(codes))
	}
	// Turned on in another tab meanwhile.
	_, err = f.s.EnableTwoFactor(f.ctx, o, &u, accounts.TwoFactorSetup{Secret: key.Secret(), Code: code})
	wantRefusal(t, err, models.RefusedConflict, "two_factor_on")
	on := f.reload(u)
	_, err = f.s.EnableTwoFactor(f.ctx, o, &on, accounts.TwoFactorSetup{Secret: key.Secret(), Code: code})
	wantRefusal(t, err, models.RefusedConflict, "two_factor_on")
}

func TestChangeTwoFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("manage@example.com")
	_, codes := f.twoFactor(u)
	u = f.reload(u)
	o := f.at.As(u.ID)

	_, err := f.s.RegenerateRecoveryCodes(f.ctx, o, &u, accounts.TwoFactorConfirm{Password: "wrong"})
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["password"] == "" || r.Fields["code"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	if f.events(models.EventTwoFactorFailure) != 0 {
		t.Error("a code was checked after a wrong password")
	}
	_, err = f.s.RegenerateRecoveryCodes(f.ctx, o, &u, accounts.TwoFactorConfirm{Password: password, Code: "000000"})
	r = wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["code"] == "" || f.events(models.EventTwoFactorFailure) != 1 {
		t.Errorf("a wrong code: fields = %v, and it must be audited", r.Fields)
	}
	fresh, err := f.s.RegenerateRecoveryCodes(f.ctx, o, &u, accounts.TwoFactorConfirm{Password: password, Code: codes[0]})
	ok(t, err)
	if len(fresh) != models.RecoveryCodeCount || f.events(models.EventRecoveryCodesNew) != 1 {
		t.Fatalf("%d new codes", len(fresh))
	}
	err = f.s.DisableTwoFactor(f.ctx, f.at, nil, accounts.TwoFactorConfirm{Password: password, Code: fresh[0]})
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
	ok(t, f.s.DisableTwoFactor(f.ctx, o, &u, accounts.TwoFactorConfirm{Password: password, Code: fresh[0]}))
	off := f.reload(u)
	if off.TwoFactor() || f.events(models.EventTwoFactorOff) != 1 {
		t.Fatal("two-factor is still on, or its disabling is not audited")
	}
	err = f.s.DisableTwoFactor(f.ctx, o, &off, accounts.TwoFactorConfirm{Password: password, Code: fresh[1]})
	wantRefusal(t, err, models.RefusedConflict, "two_factor_off")
	// Turned off in another tab meanwhile.
	_, err = f.s.RegenerateRecoveryCodes(f.ctx, o, &u, accounts.TwoFactorConfirm{Password: password, Code: fresh[1]})
	if err == nil {
		t.Fatal("regenerated the codes of two-factor that is off")
	}
}

func TestChangeTwoFactorThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("guess@example.com")
	f.twoFactor(u)
	u = f.reload(u)
	in := accounts.TwoFactorConfirm{Password: password, Code: "000000"}
	var err error
	for i := 0; i <= models.AccountLimit.Free+1; i++ {
		err = f.s.DisableTwoFactor(f.ctx, f.at.As(u.ID), &u, in)
	}
	r := wantRefusal(t, err, models.RefusedThrottled, "too_many_attempts")
	if r.Fields["code"] == "" || r.RetryAfter <= 0 {
		t.Errorf("fields = %v, RetryAfter = %v", r.Fields, r.RetryAfter)
	}
}
