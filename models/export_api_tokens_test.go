package models_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"stepwise/models"
)

// The data export lists the user's API tokens, revoked ones too, by name
// and scopes; neither a token's text nor its hash is in it, and another
// user's tokens are not.
func TestExportListsAPITokensWithoutSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newModels(t)
	u, err := m.Users.Create(ctx, models.NewUser{Email: "ada@example.com", DisplayName: "Ada", Password: "amber lantern quietly 42"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := m.Users.Create(ctx, models.NewUser{Email: "bob@example.com", DisplayName: "Bob", Password: "amber lantern quietly 43"})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := m.Users.Export(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if exp.APITokens == nil || len(exp.APITokens) != 0 {
		t.Fatalf("export without tokens: got %#v, want an empty list", exp.APITokens)
	}

	_, liveText, err := m.APITokens.Create(ctx, u.ID, models.NewAPIToken{Name: "HR sync", Scopes: []string{"read", "write"}})
	if err != nil {
		t.Fatal(err)
	}
	gone, goneText, err := m.APITokens.Create(ctx, u.ID, models.NewAPIToken{Name: "Old script", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.APITokens.Revoke(ctx, u.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.APITokens.Create(ctx, other.ID, models.NewAPIToken{Name: "Bob's", Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}

	exp, err = m.Users.Export(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.APITokens) != 2 {
		t.Fatalf("exported tokens: got %d, want 2 (%+v)", len(exp.APITokens), exp.APITokens)
	}
	live, old := exp.APITokens[0], exp.APITokens[1]
	if live.Name != "HR sync" || live.Scopes != "read,write" || live.RevokedAt != nil || live.CreatedAt.IsZero() {
		t.Errorf("live token: got %+v", live)
	}
	if old.Name != "Old script" || old.RevokedAt == nil {
		t.Errorf("revoked token: got %+v", old)
	}
	raw, err := json.Marshal(exp)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{liveText, goneText, liveText[len(models.APITokenPrefix):]} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the export holds a token's text")
		}
	}
	if strings.Contains(string(raw), "hash") {
		t.Errorf("the export names a hash: %s", raw)
	}
}
