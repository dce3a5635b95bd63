package models_test

import (
	"context"
	"testing"

	"stepwise/models"
)

// TestPasswordsChange: a change keeps the browser making it signed in and
// revokes API tokens only when asked; a reset ends every session, always
// revokes the tokens, consumes its link, and a second use of the link
// changes nothing. Each writes its audit rows in the same transaction.
func TestPasswordsChange(t *testing.T) {
	ctx := context.Background()
	m := newModels(t)
	u, err := m.Users.Create(ctx, models.NewUser{Email: "pw@example.com", DisplayName: "Pw", Password: "amber lantern quietly 42"})
	if err != nil {
		t.Fatal(err)
	}
	here, err := m.Sessions.Create(ctx, u.ID, "192.0.2.1", "here")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Sessions.Create(ctx, u.ID, "192.0.2.2", "elsewhere"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.APITokens.Create(ctx, u.ID, models.NewAPIToken{Name: "ci", Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	sessions := func() int {
		list, err := m.Sessions.List(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	tokens := func() int {
		n, err := m.APITokens.CountActive(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	event := models.AuditEntry{Event: models.EventPasswordChange, ActorID: models.ID(u.ID), TargetID: models.ID(u.ID)}

	n, err := m.Passwords.Change(ctx, models.PasswordChange{UserID: u.ID, Hash: "h1", KeepSession: here, Audit: event})
	if err != nil || n != 0 {
		t.Fatalf("change: %d revoked, %v", n, err)
	}
	if sessions() != 1 || tokens() != 1 {
		t.Fatalf("after a change: %d sessions, %d tokens; want 1 and 1", sessions(), tokens())
	}

	link, err := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	event.Event = models.EventPasswordReset
	n, err = m.Passwords.Change(ctx, models.PasswordChange{UserID: u.ID, Hash: "h2", ResetToken: link, Audit: event})
	if err != nil || n != 1 {
		t.Fatalf("reset: %d revoked, %v; want 1", n, err)
	}
	if sessions() != 0 || tokens() != 0 {
		t.Fatalf("after a reset: %d sessions, %d tokens; want none", sessions(), tokens())
	}
	if _, err := m.Passwords.Change(ctx, models.PasswordChange{UserID: u.ID, Hash: "h3", ResetToken: link, Audit: event}); err == nil {
		t.Fatal("a spent reset link changed the password again")
	}
	if now, err := m.Users.ByID(ctx, u.ID); err != nil || now.PasswordHash != "h2" {
		t.Fatalf("password hash %q (%v), want the reset's", now.PasswordHash, err)
	}
	entries, _, err := m.Audit.List(ctx, models.AuditFilter{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Event)
	}
	want := []string{models.EventAPITokenRevoked, models.EventPasswordReset, models.EventPasswordChange}
	if len(got) < 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("audit events, newest first: %v; want %v first", got, want)
	}
}
