package accounts_test

import (
	"testing"
	"time"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestSignInBrowser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("ada@example.com")
	in := accounts.Credentials{Email: " ADA@example.com ", Password: password}

	out, err := f.s.SignIn(f.ctx, f.at, in)
	ok(t, err)
	if out.User.ID != u.ID || out.SessionID == "" || out.NeedsSecondFactor {
		t.Fatalf("signed in = %+v", out)
	}
	if list, _ := f.m.Sessions.List(f.ctx, u.ID); len(list) != 1 {
		t.Fatalf("%d sessions, want the one made", len(list))
	}
	if f.events(models.EventLoginSuccess) != 1 {
		t.Error("login.success not recorded")
	}

	t.Run("invalid", func(t *testing.T) {
		_, err := f.s.SignIn(f.ctx, f.at, accounts.Credentials{})
		r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
		if r.Fields["email"] == "" || r.Fields["password"] == "" {
			t.Errorf("fields = %v", r.Fields)
		}
	})
	t.Run("locked", func(t *testing.T) {
		v := f.user("locked@example.com")
		f.exec(`UPDATE users SET locked_at = ? WHERE id = ?`, time.Now().UTC(), v.ID)
		_, err := f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: v.Email, Password: password})
		wantRefusal(t, err, models.RefusedForbidden, "account_locked")
	})
	t.Run("must reset", func(t *testing.T) {
		v := f.user("reset@example.com")
		f.exec(`UPDATE users SET must_reset_password = TRUE WHERE id = ?`, v.ID)
		_, err := f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: v.Email, Password: password})
		wantRefusal(t, err, models.RefusedForbidden, "password_reset_required")
	})
}

// Wrong passwords are refused, counted and audited although the
// operation refuses; past the free attempts even the right one waits,
// and the unknown email reads the same.
func TestSignInCountsFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("slow@example.com")
	wrong := accounts.Credentials{Email: u.Email, Password: "not the password"}
	for i := 0; i <= models.AccountLimit.Free; i++ {
		_, err := f.s.SignIn(f.ctx, f.at, wrong)
		wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")
	}
	if n := f.events(models.EventLoginFailure); n != models.AccountLimit.Free+1 {
		t.Errorf("%d failures audited, want %d", n, models.AccountLimit.Free+1)
	}
	_, err := f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: u.Email, Password: password})
	r := wantRefusal(t, err, models.RefusedThrottled, "too_many_attempts")
	if r.RetryAfter <= 0 {
		t.Errorf("RetryAfter = %v", r.RetryAfter)
	}
	if f.events(models.EventLoginThrottled) != 1 {
		t.Error("the throttled attempt is not audited")
	}
	_, err = f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: "ghost@example.com", Password: "x"})
	wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")

	// Once the delay passed, the right password signs in and clears the
	// account's count: the next wrong guess is free again.
	f.clk.advance(time.Hour)
	_, err = f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: u.Email, Password: password})
	ok(t, err)
	for i := 0; i < models.AccountLimit.Free; i++ {
		_, err := f.s.SignIn(f.ctx, f.at, wrong)
		wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")
	}
}

// With two-factor on, a browser's right password is not yet a success:
// nothing is recorded and the failures still count until the code.
func TestSignInBrowserTwoFactorWaitsForTheCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("two@example.com")
	f.twoFactor(u)
	wrong := accounts.Credentials{Email: u.Email, Password: "not the password"}
	for i := 0; i < models.AccountLimit.Free; i++ {
		_, err := f.s.SignIn(f.ctx, f.at, wrong)
		wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")
	}
	out, err := f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: u.Email, Password: password})
	ok(t, err)
	if !out.NeedsSecondFactor || out.SessionID != "" || f.events(models.EventLoginSuccess) != 0 {
		t.Fatalf("signed in before the code: %+v", out)
	}
	// The count was not cleared: one more failure makes the account wait.
	_, err = f.s.SignIn(f.ctx, f.at, wrong)
	wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")
	_, err = f.s.SignIn(f.ctx, f.at, accounts.Credentials{Email: u.Email, Password: password})
	wantRefusal(t, err, models.RefusedThrottled, "too_many_attempts")
}

// A script gives the code with the password.
func TestSignInScriptTwoFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("script@example.com")
	secret, _ := f.twoFactor(u)
	in := accounts.Credentials{Email: u.Email, Password: password, Via: accounts.Script}

	_, err := f.s.SignIn(f.ctx, f.at, in)
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["code"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	next := nextCode(t, secret)
	in.Code = wrongCode(next)
	_, err = f.s.SignIn(f.ctx, f.at, in)
	wantRefusal(t, err, models.RefusedCredentials, "wrong_code")
	if f.events(models.EventTwoFactorFailure) != 1 {
		t.Error("the wrong code is not audited")
	}
	in.Code = next
	out, err := f.s.SignIn(f.ctx, f.at, in)
	ok(t, err)
	if out.User.ID != u.ID || out.SessionID != "" || out.Factor != models.FactorTOTP {
		t.Fatalf("signed in = %+v", out)
	}
}
