package accounts_test

import (
	"fmt"
	"testing"

	"stepwise/models"
)

func TestRequestPasswordReset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("forgot@example.com")

	out, err := f.s.RequestPasswordReset(f.ctx, f.at, "Forgot@Example.com")
	ok(t, err)
	if out.User == nil || out.User.ID != u.ID || out.Token == "" {
		t.Fatalf("reset mail = %+v", out)
	}
	out, err = f.s.RequestPasswordReset(f.ctx, f.at, "nobody@example.com")
	ok(t, err)
	if out.User != nil || out.Token != "" || f.events(models.EventPasswordResetAsked) != 2 {
		t.Fatalf("no account: %+v; both requests must be audited", out)
	}
	_, err = f.s.RequestPasswordReset(f.ctx, f.at, "not an address")
	wantRefusal(t, err, models.RefusedInvalid, "invalid")

	var last error
	for i := 0; i < 5 && last == nil; i++ {
		_, last = f.s.RequestPasswordReset(f.ctx, f.at, u.Email)
	}
	r := wantRefusal(t, last, models.RefusedThrottled, "too_many_attempts")
	if r.RetryAfter <= 0 {
		t.Errorf("RetryAfter = %v", r.RetryAfter)
	}
}

// A reset uses its link, ends every session, revokes the API tokens and
// writes its audit rows; a second use of the link changes nothing.
func TestResetPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("reset@example.com")
	_, err := f.m.Sessions.Create(f.ctx, u.ID, "192.0.2.1", "here")
	ok(t, err)
	_, _, err = f.m.APITokens.Create(f.ctx, u.ID, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}})
	ok(t, err)
	link, err := f.m.Tokens.Issue(f.ctx, u.ID, models.PurposeResetPassword, u.Email)
	ok(t, err)
	const next = "violet harbour slowly 77"

	ok(t, f.s.CheckResetLink(f.ctx, link))
	_, err = f.s.ResetPassword(f.ctx, f.at, link, "short")
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["password"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	n, err := f.s.ResetPassword(f.ctx, f.at, link, next)
	ok(t, err)
	list, _ := f.m.Sessions.List(f.ctx, u.ID)
	if n != 1 || len(list) != 0 || f.events(models.EventPasswordReset) != 1 || f.events(models.EventAPITokenRevoked) != 1 {
		t.Fatalf("after a reset: %d revoked, %d sessions", n, len(list))
	}
	before := f.reload(u).PasswordHash
	_, err = f.s.ResetPassword(f.ctx, f.at, link, "another fine password 9")
	wantRefusal(t, err, models.RefusedRule, "link_used")
	wantRefusal(t, f.s.CheckResetLink(f.ctx, link), models.RefusedRule, "link_used")
	if f.reload(u).PasswordHash != before {
		t.Fatal("a spent link changed the password again")
	}

	_, err = f.s.ResetPassword(f.ctx, f.at, "xyz", next)
	wantRefusal(t, err, models.RefusedNotFound, "link_invalid")
	late, err := f.m.Tokens.Issue(f.ctx, u.ID, models.PurposeResetPassword, u.Email)
	ok(t, err)
	f.clk.advance(models.ResetPasswordTTL + 1)
	_, err = f.s.ResetPassword(f.ctx, f.at, late, next)
	wantRefusal(t, err, models.RefusedRule, "link_expired")
}

// Reset requests count against the client's address as every other
// budget does: an IPv6 client by its /64, so rotating through its
// addresses still ends in a refusal.
func TestRequestPasswordResetThrottlesAnIPv6ClientByItsBlock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var last error
	for i := 1; i <= models.AddressLimit.Free+5 && last == nil; i++ {
		o := f.at
		o.IP = fmt.Sprintf("2001:db8::%x", i)
		_, last = f.s.RequestPasswordReset(f.ctx, o, fmt.Sprintf("someone%d@example.com", i))
	}
	wantRefusal(t, last, models.RefusedThrottled, "too_many_attempts")
	var n int
	if err := f.db.Get(f.ctx, &n, `SELECT failures FROM throttle WHERE key = ?`, "reset:ip:2001:db8::/64"); err != nil {
		t.Fatal(err)
	}
	if n != models.AddressLimit.Free+1 {
		t.Errorf("failures on the /64 = %d, want %d", n, models.AddressLimit.Free+1)
	}
}
