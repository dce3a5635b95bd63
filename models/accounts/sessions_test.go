package accounts_test

import (
	"testing"

	"stepwise/models"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.user("many@example.com")
	var ids []string
	for i := 0; i < 4; i++ {
		id, err := f.m.Sessions.Create(f.ctx, u.ID, "192.0.2.1", "browser")
		ok(t, err)
		ids = append(ids, id)
	}
	count := func() int {
		list, err := f.m.Sessions.List(f.ctx, u.ID)
		ok(t, err)
		return len(list)
	}
	o := f.at.As(u.ID)

	ok(t, f.s.RevokeSession(f.ctx, o, &u, ids[0]))
	ok(t, f.s.SignOut(f.ctx, o, &u, ids[1]))
	if count() != 2 || f.events(models.EventSessionRevoked) != 1 || f.events(models.EventLogout) != 1 {
		t.Fatalf("%d sessions left, want 2, with one revocation and one logout audited", count())
	}
	ok(t, f.s.RevokeOtherSessions(f.ctx, o, &u, ids[2]))
	if count() != 1 || f.events(models.EventSessionRevoked) != 2 {
		t.Fatalf("%d sessions left, want the one kept", count())
	}
	ok(t, f.s.SignOut(f.ctx, f.at, nil, ""))

	err := f.s.RevokeSession(f.ctx, f.at, nil, ids[2])
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
	err = f.s.RevokeOtherSessions(f.ctx, f.at, nil, "")
	wantRefusal(t, err, models.RefusedForbidden, "forbidden")
}

// Revoking a session that is not the user's, or one already ended, ends
// nothing and so audits nothing: the log must not claim a revocation.
func TestRevokeSessionThatEndsNothingIsNotAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, other := f.user("mine@example.com"), f.user("theirs@example.com")
	theirs, err := f.m.Sessions.Create(f.ctx, other.ID, "192.0.2.1", "browser")
	ok(t, err)
	mine, err := f.m.Sessions.Create(f.ctx, u.ID, "192.0.2.1", "browser")
	ok(t, err)
	o := f.at.As(u.ID)

	ok(t, f.s.RevokeSession(f.ctx, o, &u, theirs))
	list, err := f.m.Sessions.List(f.ctx, other.ID)
	ok(t, err)
	if len(list) != 1 || f.events(models.EventSessionRevoked) != 0 {
		t.Fatalf("another user's session: %d left (want 1), %d revocations audited (want 0)",
			len(list), f.events(models.EventSessionRevoked))
	}
	ok(t, f.s.RevokeSession(f.ctx, o, &u, mine))
	ok(t, f.s.RevokeSession(f.ctx, o, &u, mine))
	if n := f.events(models.EventSessionRevoked); n != 1 {
		t.Fatalf("revoking a session twice audited %d revocations, want 1", n)
	}
}
