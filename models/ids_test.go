package models_test

import (
	"context"
	"testing"
	"time"

	"stepwise/models"
)

// TestDeletedIDsAreNeverReused: deleting the newest row of a table must not
// hand its id to the next one. A new account would inherit the old one's
// audit trail, and a receiver that drops repeats by Stepwise-Delivery would
// drop a new event.
func TestDeletedIDsAreNeverReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("users", func(t *testing.T) {
		m := newModels(t)
		gone := newUser(t, m, "gone@example.com")
		if err := m.Users.Delete(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		if u := newUser(t, m, "new@example.com"); u.ID <= gone.ID {
			t.Errorf("new user id = %d after deleting user %d, want a larger one", u.ID, gone.ID)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		m := webhookModels(t)
		admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
		gone := subscribe(t, m, admin, models.EventUserCreated)
		if err := m.Webhooks.Delete(ctx, admin.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		if hook := subscribe(t, m, admin, models.EventUserCreated); hook.ID <= gone.ID {
			t.Errorf("new webhook id = %d after deleting webhook %d, want a larger one", hook.ID, gone.ID)
		}
	})

	t.Run("deliveries pruned", func(t *testing.T) {
		m := webhookModels(t)
		admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
		hook := subscribe(t, m, admin, models.EventUserCreated)
		first, err := m.Webhooks.SendTest(ctx, hook)
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := m.Webhooks.Claim(ctx, 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %d deliveries, %v; want 1", len(claimed), err)
		}
		if err := m.Webhooks.Record(ctx, claimed[0], models.Attempt{StatusCode: 200}); err != nil {
			t.Fatal(err)
		}
		if n, err := m.Webhooks.Prune(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("prune: %d, %v; want 1 delivery deleted", n, err)
		}
		next, err := m.Webhooks.SendTest(ctx, hook)
		if err != nil {
			t.Fatal(err)
		}
		if next.ID <= first.ID {
			t.Errorf("delivery id after pruning delivery %d = %d, want a larger one", first.ID, next.ID)
		}
	})

	t.Run("deliveries of a deleted webhook", func(t *testing.T) {
		m := webhookModels(t)
		admin := userWithRole(t, m, "admin@example.com", models.RoleAdmin)
		gone := subscribe(t, m, admin, models.EventUserCreated)
		first, err := m.Webhooks.SendTest(ctx, gone)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Webhooks.Delete(ctx, admin.ID, gone.ID); err != nil {
			t.Fatal(err)
		}
		next, err := m.Webhooks.SendTest(ctx, subscribe(t, m, admin, models.EventUserCreated))
		if err != nil {
			t.Fatal(err)
		}
		if next.ID <= first.ID {
			t.Errorf("delivery id after deleting delivery %d with its webhook = %d, want a larger one", first.ID, next.ID)
		}
	})
}
