package models_test

import (
	"context"
	"testing"

	"stepwise/models"
)

// TestAuditKeepsADeletedAccountsEventsItsOwn: Ada's events keep the email
// she had when each happened, also after her account is deleted (the
// deletion itself is recorded after it, as the account page does); Bob,
// who signs up next, finds none of them in his export or his listing.
func TestAuditKeepsADeletedAccountsEventsItsOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newModels(t)
	admin := newUser(t, m, "admin@example.com")
	ada := newUser(t, m, "ada@example.com")
	record := func(event string, actor, target int64) {
		t.Helper()
		err := m.Audit.Record(ctx, models.AuditEntry{
			Event: event, ActorID: models.ID(actor), TargetID: models.ID(target),
			IP: "203.0.113.7", UserAgent: "Ada's browser",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	record(models.EventLoginSuccess, ada.ID, ada.ID)
	record(models.EventLock, admin.ID, ada.ID)
	if err := m.Users.ChangeEmail(ctx, ada.ID, "ada@new.example.com"); err != nil {
		t.Fatal(err)
	}
	record(models.EventEmailChange, ada.ID, ada.ID)
	if err := m.Users.Delete(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	record(models.EventAccountDeleted, ada.ID, ada.ID)

	bob := newUser(t, m, "bob@example.com")
	if bob.ID == ada.ID {
		t.Fatalf("Bob got the deleted account's id %d", ada.ID)
	}
	export, err := m.Users.Export(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(export.SecurityEvents) != 0 {
		t.Errorf("Bob's export has %d security events (%+v), want none of Ada's", len(export.SecurityEvents), export.SecurityEvents)
	}
	mine, _, err := m.Audit.List(ctx, models.AuditFilter{UserID: bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 0 {
		t.Errorf("Bob's audit listing has %d events, want none of Ada's", len(mine))
	}

	list, _, err := m.Audit.List(ctx, models.AuditFilter{UserID: ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	type row struct{ event, actor, target string }
	want := []row{ // newest first
		{models.EventAccountDeleted, "ada@new.example.com", "ada@new.example.com"},
		{models.EventEmailChange, "ada@new.example.com", "ada@new.example.com"},
		{models.EventLock, "admin@example.com", "ada@example.com"},
		{models.EventLoginSuccess, "ada@example.com", "ada@example.com"},
	}
	if len(list) != len(want) {
		t.Fatalf("Ada's events: got %d, want %d", len(list), len(want))
	}
	for i, e := range list {
		if got := (row{e.Event, str(e.ActorEmail), str(e.TargetEmail)}); got != want[i] {
			t.Errorf("Ada's event %d: got %+v, want %+v", i, got, want[i])
		}
	}
}
