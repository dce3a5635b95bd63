package models_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"stepwise/models"
)

func TestTokensIssueStoresOnlyTheHash(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "hash@example.com")
	tok, err := m.Tokens.Issue(ctx, u.ID, models.PurposeVerifyEmail, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: got %d bytes (%v), want 32 bytes of base64url", tok, len(raw), err)
	}
	var stored []byte
	if err := m.DB().Get(ctx, &stored, `SELECT token_hash FROM account_tokens WHERE user_id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(tok))
	if string(stored) != string(want[:]) {
		t.Errorf("stored %x, want the SHA-256 of the token", stored)
	}
	var hashes [][]byte
	if err := m.DB().Select(ctx, &hashes, `SELECT token_hash FROM account_tokens`); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(hashes, func(h []byte) bool { return bytes.Contains(h, []byte(tok)) }) {
		t.Errorf("the token itself reached the database")
	}
}

func TestTokensConsumeOnce(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "once@example.com")
	tok, err := m.Tokens.Issue(ctx, u.ID, models.PurposeChangeEmail, "new@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, tok); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("other purpose: got %v, want ErrTokenInvalid", err)
	}
	if _, err := m.Tokens.Peek(ctx, models.PurposeChangeEmail, tok); err != nil {
		t.Errorf("peek before use: %v", err)
	}
	got, err := m.Tokens.Consume(ctx, models.PurposeChangeEmail, tok)
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	if got.UserID != u.ID || got.Email != "new@example.com" || got.UsedAt == nil {
		t.Errorf("got user %d email %q used %v; want %d, new@example.com, used", got.UserID, got.Email, got.UsedAt, u.ID)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeChangeEmail, tok); !errors.Is(err, models.ErrTokenUsed) {
		t.Errorf("second use: got %v, want ErrTokenUsed", err)
	}
	if _, err := m.Tokens.Peek(ctx, models.PurposeChangeEmail, tok); !errors.Is(err, models.ErrTokenUsed) {
		t.Errorf("peek after use: got %v, want ErrTokenUsed", err)
	}
}

func TestTokensConsumeConcurrentlyOnlyOnce(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "race@example.com")
	tok, err := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, tok)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	ok, used := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, models.ErrTokenUsed):
			used++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || used != n-1 {
		t.Errorf("got %d successes and %d already-used, want 1 and %d", ok, used, n-1)
	}
}

func TestTokensExpire(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "late@example.com")
	clock := time.Now().UTC()
	m.Tokens.SetClock(func() time.Time { return clock })
	reset, err := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	verify, err := m.Tokens.Issue(ctx, u.ID, models.PurposeVerifyEmail, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour + time.Second)
	if _, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, reset); !errors.Is(err, models.ErrTokenExpired) {
		t.Errorf("reset after an hour: got %v, want ErrTokenExpired", err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeVerifyEmail, verify); err != nil {
		t.Errorf("verification after an hour: got %v, want it to work for a day", err)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := m.Tokens.Peek(ctx, models.PurposeResetPassword, reset); !errors.Is(err, models.ErrTokenExpired) {
		t.Errorf("peek expired: got %v, want ErrTokenExpired", err)
	}
}

func TestTokensNewerReplacesOlder(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "twice@example.com")
	first, _ := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	verify, _ := m.Tokens.Issue(ctx, u.ID, models.PurposeVerifyEmail, u.Email)
	second, err := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, first); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("older reset token: got %v, want ErrTokenInvalid", err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeVerifyEmail, verify); err != nil {
		t.Errorf("a token of another purpose was replaced: %v", err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, second); err != nil {
		t.Errorf("newest token: %v", err)
	}
}

func TestTokensRefuseGarbage(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	for _, tok := range []string{"", "x", "not base64 at all!", strings.Repeat("A", 43), strings.Repeat("A", 44), strings.Repeat("\x00", 43)} {
		if _, err := m.Tokens.Consume(ctx, models.PurposeVerifyEmail, tok); !errors.Is(err, models.ErrTokenInvalid) {
			t.Errorf("consume %q: got %v, want ErrTokenInvalid", tok, err)
		}
		if _, err := m.Tokens.Peek(ctx, models.PurposeVerifyEmail, tok); !errors.Is(err, models.ErrTokenInvalid) {
			t.Errorf("peek %q: got %v, want ErrTokenInvalid", tok, err)
		}
	}
	if _, err := m.Tokens.Issue(ctx, 1, "nonsense", ""); err == nil {
		t.Errorf("issue with an unknown purpose: got no error")
	}
}

func TestTokensRevokeAll(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "revoke@example.com")
	reset, _ := m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email)
	if err := m.Tokens.RevokeAll(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Tokens.Consume(ctx, models.PurposeResetPassword, reset); !errors.Is(err, models.ErrTokenInvalid) {
		t.Errorf("revoked token: got %v, want ErrTokenInvalid", err)
	}
}

func TestUsersMarkEmailVerifiedAndChangeEmail(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	u := newUser(t, m, "mark@example.com")
	newUser(t, m, "taken@example.com")
	ok, err := m.Users.MarkEmailVerified(ctx, u.ID, "other@example.com")
	if err != nil || ok {
		t.Errorf("verify another address: got %v, %v; want false", ok, err)
	}
	ok, err = m.Users.MarkEmailVerified(ctx, u.ID, "Mark@Example.com")
	if err != nil || !ok {
		t.Fatalf("verify: got %v, %v; want true", ok, err)
	}
	got, _ := m.Users.ByID(ctx, u.ID)
	if got.EmailVerifiedAt == nil {
		t.Errorf("email_verified_at not set")
	}
	if err := m.Users.ChangeEmail(ctx, u.ID, "taken@example.com"); !errors.Is(err, models.ErrConflict) {
		t.Errorf("change to a taken address: got %v, want ErrConflict", err)
	}
	if err := m.Users.ChangeEmail(ctx, u.ID, "moved@example.com"); err != nil {
		t.Fatalf("change: %v", err)
	}
	got, _ = m.Users.ByID(ctx, u.ID)
	if got.Email != "moved@example.com" || got.EmailVerifiedAt == nil {
		t.Errorf("after change: got %q verified %v", got.Email, got.EmailVerifiedAt)
	}
	if err := m.Users.ChangeEmail(ctx, 9999, "ghost@example.com"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("change for a missing user: got %v, want ErrNotFound", err)
	}
}
