package accounts_test

import (
	"testing"

	"stepwise/models"
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
