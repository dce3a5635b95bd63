package admin_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/admin"
	"stepwise/models/passhash"
	"stepwise/models/secretbox"
)

// fixture is the admin operations over a fresh database, with a sealer
// for webhook secrets as cmd sets one up.
type fixture struct {
	t     *testing.T
	m     *models.Models
	ops   *admin.Service
	users int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	passhash.UseCheapHashingInTests()
	d := dbtest.New(t)
	m := models.New(d)
	sealer, err := secretbox.New(make([]byte, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m.Webhooks.Sealer = sealer
	return &fixture{t: t, m: m, ops: admin.New(d, m)}
}

// user creates an account with role.
func (f *fixture) user(role string) *models.User {
	f.t.Helper()
	f.users++
	ctx := context.Background()
	u, err := f.m.Users.Create(ctx, models.NewUser{
		Email: fmt.Sprintf("%s%d@example.com", role, f.users), DisplayName: role, Password: "amber lantern quietly 42",
	})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.m.Users.SetRole(ctx, u.ID, role); err != nil {
		f.t.Fatal(err)
	}
	u.Role = role
	return &u
}

// origin is where a test's requests come from.
func origin(actor *models.User) models.Origin {
	return models.Origin{ActorID: actor.ID, IP: "192.0.2.7", UserAgent: "test"}
}

// audit returns the audit rows of event, oldest first.
func (f *fixture) audit(event string) []models.AuditEntry {
	f.t.Helper()
	list, _, err := f.m.Audit.List(context.Background(), models.AuditFilter{Event: event, Limit: 100})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// wantAudit fails unless the only row of event is by actor on target with
// detail, from the test's origin.
func (f *fixture) wantAudit(event string, actor, target int64, detail string) {
	f.t.Helper()
	rows := f.audit(event)
	if len(rows) != 1 {
		f.t.Fatalf("%d %s rows, want 1: %+v", len(rows), event, rows)
	}
	e := rows[0]
	if e.ActorID == nil || *e.ActorID != actor || models.ID(target) != nil && (e.TargetID == nil || *e.TargetID != target) ||
		e.Detail != detail || e.IP != "192.0.2.7" {
		f.t.Fatalf("%s row %+v, want actor %d target %d detail %q", event, e, actor, target, detail)
	}
}

// wantRefusal fails unless err is a refusal of kind with code.
func wantRefusal(t *testing.T, err error, kind models.RefusalKind, code string) *models.Refusal {
	t.Helper()
	r, ok := models.AsRefusal(err)
	if !ok || r.Kind != kind || r.Code != code {
		t.Fatalf("got %v (%#v), want a %s refusal %q", err, r, kind, code)
	}
	if !errors.As(err, &r) {
		t.Fatalf("%v is not a *models.Refusal", err)
	}
	return r
}
