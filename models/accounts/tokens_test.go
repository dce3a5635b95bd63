package accounts_test

import (
	"testing"

	"stepwise/models"
	"stepwise/models/accounts"
)

func TestCreateAndRevokeToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, other := f.user("tok@example.com"), f.user("other@example.com")
	o := f.at.As(u.ID)

	out, err := f.s.CreateToken(f.ctx, o, &u, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}})
	ok(t, err)
	if out.Text == "" || out.Token.Name != "ci" || f.events(models.EventAPITokenCreated) != 1 {
		t.Fatalf("token = %+v", out)
	}
	_, err = f.s.CreateToken(f.ctx, o, &u, models.NewAPIToken{Name: "", Scopes: []string{"admin"}})
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["name"] == "" || r.Fields["scopes"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	_, err = f.s.CreateToken(f.ctx, f.at, nil, models.NewAPIToken{Name: "x", Scopes: []string{"read"}})
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")

	err = f.s.RevokeToken(f.ctx, f.at.As(other.ID), &other, out.Token.ID)
	wantRefusal(t, err, models.RefusedNotFound, "no_token")
	err = f.s.RevokeToken(f.ctx, f.at, nil, out.Token.ID)
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
	ok(t, f.s.RevokeToken(f.ctx, o, &u, out.Token.ID))
	if n, _ := f.m.APITokens.CountActive(f.ctx, u.ID); n != 0 || f.events(models.EventAPITokenRevoked) != 1 {
		t.Fatalf("%d tokens left after the revocation", n)
	}
	err = f.s.RevokeToken(f.ctx, o, &u, out.Token.ID)
	wantRefusal(t, err, models.RefusedNotFound, "no_token")
}

// A script's token request is validated before its second factor is
// checked: a typo in the scopes is refused without spending the recovery
// code it came with, which then still works.
func TestCreateTokenWithPasswordValidatesBeforeSpendingACode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("script-tok@example.com")
	_, codes := f.twoFactor(u)
	creds := accounts.Credentials{Email: u.Email, Password: password, Code: codes[0]}

	_, err := f.s.CreateTokenWithPassword(f.ctx, f.at, creds, models.NewAPIToken{Name: "ci", Scopes: []string{"raed"}})
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["scopes"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	left, err := f.m.TwoFactor.RecoveryCodesLeft(f.ctx, u.ID)
	ok(t, err)
	if left != len(codes) || f.events(models.EventAPITokenCreated) != 0 {
		t.Fatalf("%d of %d recovery codes left after an invalid request; want none spent", left, len(codes))
	}

	out, err := f.s.CreateTokenWithPassword(f.ctx, f.at, creds, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}})
	ok(t, err)
	if out.Text == "" || out.Token.Name != "ci" || f.events(models.EventAPITokenCreated) != 1 {
		t.Fatalf("token = %+v", out)
	}
	if left, err = f.m.TwoFactor.RecoveryCodesLeft(f.ctx, u.ID); err != nil || left != len(codes)-1 {
		t.Fatalf("recovery codes left = %d, %v; want %d", left, err, len(codes)-1)
	}

	creds.Password = "not the password"
	_, err = f.s.CreateTokenWithPassword(f.ctx, f.at, creds, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}})
	wantRefusal(t, err, models.RefusedCredentials, "invalid_credentials")
}
