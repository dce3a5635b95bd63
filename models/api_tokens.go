package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"stepwise/db"
)

// API token scopes. A token may do what its scopes allow and, within that,
// what its owner's role allows: the policy still decides every request.
const (
	// ScopeRead: GET requests.
	ScopeRead = "read"
	// ScopeWrite: creating, changing and deleting through the API.
	ScopeWrite = "write"
	// ScopeAdmin: the admin endpoints (users); only for admins' tokens.
	ScopeAdmin = "admin"
)

// Scopes lists the scopes in the order forms show them.
var Scopes = []string{ScopeRead, ScopeWrite, ScopeAdmin}

// APITokenPrefix starts every personal access token, so a leaked one is
// recognisable (by secret scanners, and by people).
const APITokenPrefix = "swp_"

// APITokenNameMaxLen bounds a token's name.
const APITokenNameMaxLen = 80

// ErrAPITokenInvalid: the token is unknown, malformed, revoked or expired.
// The API answers all of them with the same 401, so a caller learns
// nothing about tokens it does not hold.
var ErrAPITokenInvalid = errors.New("api token invalid")

// APIToken is a personal access token as its owner sees it: never the
// token itself, which is shown once when created.
type APIToken struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	ScopeList  string     `db:"scopes"`
	ExpiresAt  *time.Time `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	CreatedAt  time.Time  `db:"created_at"`
}

// Scopes returns the token's scopes.
func (t APIToken) Scopes() []string {
	if t.ScopeList == "" {
		return nil
	}
	return strings.Split(t.ScopeList, ",")
}

// Has reports whether the token carries scope.
func (t APIToken) Has(scope string) bool { return slices.Contains(t.Scopes(), scope) }

// Expired reports whether the token's time ran out at now.
func (t APIToken) Expired(now time.Time) bool { return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) }

// AuditDetail names the token in the audit log by id, name and scopes,
// never its text.
func (t APIToken) AuditDetail() string {
	return fmt.Sprintf("token %d “%s” (%s)", t.ID, t.Name, t.ScopeList)
}

// NewAPIToken is a token request as a form or the API submits it.
type NewAPIToken struct {
	Name   string
	Scopes []string
	// ExpiresAt is when the token stops working; nil never.
	ExpiresAt *time.Time
}

// Validate checks the request for the owner u at now.
func (n *NewAPIToken) Validate(u *User, now time.Time) FieldErrors {
	fe := FieldErrors{}
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case n.Name == "":
		fe.Add("name", "Name the token after what will use it, such as “HR sync”.")
	case !cleanText(n.Name) || utf8.RuneCountInString(n.Name) > APITokenNameMaxLen:
		fe.Add("name", "Use at most 80 characters of plain text.")
	}
	var scopes []string
	for _, s := range Scopes { // known scopes only, in a stable order, once each
		if slices.Contains(n.Scopes, s) {
			scopes = append(scopes, s)
		}
	}
	switch {
	case len(scopes) != len(dedupe(n.Scopes)):
		fe.Add("scopes", "Scopes are read, write and admin.")
	case len(scopes) == 0:
		fe.Add("scopes", "Choose at least one scope.")
	case slices.Contains(scopes, ScopeAdmin) && !u.IsAdmin():
		fe.Add("scopes", "Only administrators can create tokens with the admin scope.")
	}
	n.Scopes = scopes
	if n.ExpiresAt != nil {
		switch {
		case !n.ExpiresAt.After(now):
			fe.Add("expires_at", "Choose an expiry in the future.")
		case n.ExpiresAt.After(now.AddDate(5, 0, 0)):
			fe.Add("expires_at", "Choose an expiry within five years, or none.")
		}
	}
	return fe
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// APITokens stores personal access tokens.
type APITokens struct {
	db  *db.DB
	now func() time.Time
}

const apiTokenColumns = `id, user_id, name, prefix, scopes, expires_at, last_used_at, created_at` // #nosec G101 -- column names, not a credential

// apiTokenHash is what is stored for token; nil for anything Create could
// not have made, so garbage never reaches the database.
func apiTokenHash(token string) []byte {
	rest, ok := strings.CutPrefix(token, APITokenPrefix)
	if !ok {
		return nil
	}
	if raw, err := base64.RawURLEncoding.DecodeString(rest); err != nil || len(raw) != tokenBytes {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Create makes a token for userID after n.Validate passed, and returns it
// with its text, which is never available again.
func (t *APITokens) Create(ctx context.Context, userID int64, n NewAPIToken) (APIToken, string, error) {
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return APIToken{}, "", fmt.Errorf("create api token: %w", err)
	}
	token := APITokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	var tok APIToken
	err := t.db.GetWrite(ctx, &tok, `
		INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING `+apiTokenColumns,
		userID, n.Name, apiTokenHash(token), token[:len(APITokenPrefix)+6], strings.Join(n.Scopes, ","), n.ExpiresAt, t.now())
	if err != nil {
		return APIToken{}, "", fmt.Errorf("create api token: %w", err)
	}
	return tok, token, nil
}

// Authenticate returns the live token with text token and its owner. It
// only reads; NoteUse records the use, apart, so a caller can still serve
// a read when that write fails (a full disk).
func (t *APITokens) Authenticate(ctx context.Context, token string) (APIToken, User, error) {
	hash := apiTokenHash(token)
	if hash == nil {
		return APIToken{}, User{}, ErrAPITokenInvalid
	}
	var tok APIToken
	err := t.db.Get(ctx, &tok, `
		SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, User{}, ErrAPITokenInvalid
	}
	if err != nil {
		return APIToken{}, User{}, fmt.Errorf("authenticate api token: %w", err)
	}
	if tok.Expired(t.now()) {
		return APIToken{}, User{}, ErrAPITokenInvalid
	}
	u, err := (&Users{db: t.db}).ByID(ctx, tok.UserID)
	if err != nil {
		return APIToken{}, User{}, err
	}
	return tok, u, nil
}

// NoteUse records that tok was used now, at most once a minute, so a busy
// integration does not write on every request; tok.LastUsedAt follows.
func (t *APITokens) NoteUse(ctx context.Context, tok *APIToken) error {
	now := t.now()
	if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) < time.Minute {
		return nil
	}
	if _, err := t.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, tok.ID); err != nil {
		return fmt.Errorf("note api token use: %w", err)
	}
	tok.LastUsedAt = &now
	return nil
}

// List returns the user's live tokens, newest first (expired ones too,
// marked by their expiry, so the owner sees why an integration stopped).
func (t *APITokens) List(ctx context.Context, userID int64) ([]APIToken, error) {
	var list []APIToken
	err := t.db.Select(ctx, &list, `
		SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return list, nil
}

// Get returns the user's live token id, or ErrNotFound (also for another
// user's token).
func (t *APITokens) Get(ctx context.Context, userID, id int64) (APIToken, error) {
	var tok APIToken
	err := t.db.Get(ctx, &tok, `
		SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, ErrNotFound
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("get api token: %w", err)
	}
	return tok, nil
}

// Revoke stops the user's token id from working; another user's token is
// ErrNotFound. The row stays, so the audit log's token ids keep meaning.
func (t *APITokens) Revoke(ctx context.Context, userID, id int64) error {
	res, err := t.db.Exec(ctx, `
		UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		t.now(), id, userID)
	return oneRow(res, err, "revoke api token")
}

// CountActive counts the user's tokens that work now: neither revoked nor
// expired.
func (t *APITokens) CountActive(ctx context.Context, userID int64) (int, error) {
	var n int
	err := t.db.Get(ctx, &n, `
		SELECT count(*) FROM api_tokens
		WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`, userID, t.now())
	if err != nil {
		return 0, fmt.Errorf("count api tokens: %w", err)
	}
	return n, nil
}

// RevokeAll stops every token of the user from working (after a password
// reset by email, whoever knew the old password may have made one) and
// returns how many it revoked. Inside the caller's transaction it fails
// or succeeds with the password change.
func (t *APITokens) RevokeAll(ctx context.Context, userID int64) (int64, error) {
	res, err := t.db.Exec(ctx, `
		UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, t.now(), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke api tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke api tokens: %w", err)
	}
	return n, nil
}
