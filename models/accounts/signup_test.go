package accounts_test

import (
	"testing"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestSignUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := accounts.NewAccount{Email: " New@Example.com", DisplayName: "New", Password: password}
	out, err := f.s.SignUp(f.ctx, f.at, in)
	ok(t, err)
	if out.User.Email != "new@example.com" || out.SessionID == "" || out.VerifyToken == "" || f.events(models.EventSignup) != 1 {
		t.Fatalf("signed up = %+v", out)
	}

	_, err = f.s.SignUp(f.ctx, f.at, accounts.NewAccount{Email: "nope", DisplayName: "", Password: "short"})
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if len(r.Fields) != 3 {
		t.Errorf("fields = %v", r.Fields)
	}
	_, err = f.s.SignUp(f.ctx, f.at, in)
	r = wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["email"] == "" {
		t.Errorf("a taken email: fields = %v", r.Fields)
	}
}

// Past the address's allowance a sign-up is refused, and the refusal is
// audited although nothing else is written.
func TestSignUpThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var err error
	for i := 0; i <= models.SignupAddressRate.Requests && err == nil; i++ {
		_, err = f.s.SignUp(f.ctx, f.at, accounts.NewAccount{
			Email: "user" + string(rune('a'+i)) + "@example.com", DisplayName: "User", Password: password,
		})
	}
	r := wantRefusal(t, err, models.RefusedThrottled, "too_many_signups")
	if r.RetryAfter <= 0 || f.events(models.EventSignupThrottled) != 1 {
		t.Errorf("RetryAfter %v; the refusal must be audited", r.RetryAfter)
	}
}
