package accounts_test

import (
	"testing"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestRequestEmailChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, other := f.user("old@example.com"), f.user("taken@example.com")
	o := f.at.As(u.ID)

	out, err := f.s.RequestEmailChange(f.ctx, o, &u, accounts.EmailChangeRequest{NewEmail: " New@Example.com", Password: password})
	ok(t, err)
	if out.NewEmail != "new@example.com" || out.Token == "" || f.events(models.EventEmailChangeAsked) != 1 {
		t.Fatalf("change mail = %+v", out)
	}
	for _, in := range []accounts.EmailChangeRequest{
		{NewEmail: "nope", Password: password},
		{NewEmail: u.Email, Password: password},
		{NewEmail: other.Email, Password: password},
		{NewEmail: "fine@example.com", Password: "wrong"},
	} {
		_, err := f.s.RequestEmailChange(f.ctx, o, &u, in)
		wantRefusal(t, err, models.RefusedInvalid, "invalid")
	}
	_, err = f.s.RequestEmailChange(f.ctx, f.at, nil, accounts.EmailChangeRequest{NewEmail: "x@example.com", Password: password})
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")

	var last error
	for i := 0; i < 5 && last == nil; i++ {
		_, last = f.s.RequestEmailChange(f.ctx, o, &u, accounts.EmailChangeRequest{NewEmail: "new@example.com", Password: password})
	}
	wantRefusal(t, last, models.RefusedThrottled, "too_many_attempts")
}

func TestConfirmEmailChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("old@example.com")
	verify, err := f.m.Tokens.Issue(f.ctx, u.ID, models.PurposeVerifyEmail, u.Email)
	ok(t, err)
	link, err := f.m.Tokens.Issue(f.ctx, u.ID, models.PurposeChangeEmail, "new@example.com")
	ok(t, err)

	out, err := f.s.ConfirmEmailChange(f.ctx, f.at, link)
	ok(t, err)
	now := f.reload(u)
	if out.Old.Email != "old@example.com" || out.NewEmail != "new@example.com" || now.Email != "new@example.com" || now.EmailVerifiedAt == nil {
		t.Fatalf("changed = %+v; user now %s", out, now.Email)
	}
	if f.events(models.EventEmailChange) != 1 {
		t.Error("the change is not audited")
	}
	_, err = f.s.VerifyEmail(f.ctx, f.at, verify)
	wantRefusal(t, err, models.RefusedNotFound, "link_invalid") // links to the old address stopped working
	_, err = f.s.ConfirmEmailChange(f.ctx, f.at, link)
	wantRefusal(t, err, models.RefusedRule, "link_used")

	// An address taken meanwhile: refused, and the link stays unused.
	race, err := f.m.Tokens.Issue(f.ctx, u.ID, models.PurposeChangeEmail, "race@example.com")
	ok(t, err)
	f.user("race@example.com")
	_, err = f.s.ConfirmEmailChange(f.ctx, f.at, race)
	wantRefusal(t, err, models.RefusedConflict, "email_taken")
	_, err = f.s.ConfirmEmailChange(f.ctx, f.at, race)
	wantRefusal(t, err, models.RefusedConflict, "email_taken")
}

func TestVerifyEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("verify@example.com")

	_, err := f.s.ResendVerification(f.ctx, nil)
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
	token, err := f.s.ResendVerification(f.ctx, &u)
	ok(t, err)
	id, err := f.s.VerifyEmail(f.ctx, f.at, token)
	ok(t, err)
	if id != u.ID || f.reload(u).EmailVerifiedAt == nil || f.events(models.EventEmailVerified) != 1 {
		t.Fatalf("verified %d; the user must be verified and it audited", id)
	}
	_, err = f.s.VerifyEmail(f.ctx, f.at, token)
	wantRefusal(t, err, models.RefusedRule, "link_used")
	verified := f.reload(u)
	if token, err := f.s.ResendVerification(f.ctx, &verified); err != nil || token != "" {
		t.Fatalf("verified already: token %q, %v", token, err)
	}

	v := f.user("moved@example.com")
	stale, err := f.m.Tokens.Issue(f.ctx, v.ID, models.PurposeVerifyEmail, "before@example.com")
	ok(t, err)
	_, err = f.s.VerifyEmail(f.ctx, f.at, stale)
	wantRefusal(t, err, models.RefusedConflict, "email_changed")
	_, err = f.s.VerifyEmail(f.ctx, f.at, stale)
	wantRefusal(t, err, models.RefusedRule, "link_used")

	var last error
	for i := 0; i < 5 && last == nil; i++ {
		_, last = f.s.ResendVerification(f.ctx, &v)
	}
	wantRefusal(t, last, models.RefusedThrottled, "too_many_attempts")
	late, err := f.m.Tokens.Issue(f.ctx, v.ID, models.PurposeVerifyEmail, v.Email)
	ok(t, err)
	f.clk.advance(models.VerifyEmailTTL + 1)
	_, err = f.s.VerifyEmail(f.ctx, f.at, late)
	wantRefusal(t, err, models.RefusedRule, "link_expired")
}
