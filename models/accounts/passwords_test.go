package accounts_test

import (
	"testing"

	"stepwise/models"
	"stepwise/models/accounts"
)

// A change keeps the browser making it signed in and revokes API tokens
// only when asked, with its audit rows.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("pw@example.com")
	here, err := f.m.Sessions.Create(f.ctx, u.ID, "192.0.2.1", "here")
	ok(t, err)
	_, err = f.m.Sessions.Create(f.ctx, u.ID, "192.0.2.2", "elsewhere")
	ok(t, err)
	_, _, err = f.m.APITokens.Create(f.ctx, u.ID, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}})
	ok(t, err)
	o := f.at.As(u.ID)
	const next = "violet harbour slowly 77"

	_, err = f.s.ChangePassword(f.ctx, o, &u, accounts.PasswordChange{Current: "wrong", New: "short"})
	r := wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["current_password"] == "" || r.Fields["new_password"] == "" {
		t.Errorf("fields = %v", r.Fields)
	}
	_, err = f.s.ChangePassword(f.ctx, o, &u, accounts.PasswordChange{Current: password, New: password})
	r = wantRefusal(t, err, models.RefusedInvalid, "invalid")
	if r.Fields["new_password"] == "" {
		t.Errorf("an unchanged password: fields = %v", r.Fields)
	}
	_, err = f.s.ChangePassword(f.ctx, f.at, nil, accounts.PasswordChange{Current: password, New: next})
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")

	n, err := f.s.ChangePassword(f.ctx, o, &u, accounts.PasswordChange{Current: password, New: next, KeepSession: here})
	ok(t, err)
	list, _ := f.m.Sessions.List(f.ctx, u.ID)
	tokens, _ := f.m.APITokens.CountActive(f.ctx, u.ID)
	if n != 0 || len(list) != 1 || tokens != 1 || f.events(models.EventPasswordChange) != 1 {
		t.Fatalf("after a change: %d revoked, %d sessions, %d tokens; want 0, 1, 1", n, len(list), tokens)
	}
	u = f.reload(u)
	n, err = f.s.ChangePassword(f.ctx, o, &u, accounts.PasswordChange{Current: next, New: password, KeepSession: here, RevokeTokens: true})
	ok(t, err)
	if n != 1 || f.events(models.EventAPITokenRevoked) != 1 {
		t.Fatalf("asked to revoke: %d revoked", n)
	}
}
