package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Purposes of the tokens mailed to users. A token works only for the
// purpose it was issued for.
const (
	PurposeVerifyEmail   = "verify_email"
	PurposeResetPassword = "reset_password"
	PurposeChangeEmail   = "change_email"
)

// How long a mailed link works. A reset link is a password for an hour, so
// it lives much shorter than a confirmation.
const (
	VerifyEmailTTL   = 24 * time.Hour
	ChangeEmailTTL   = 24 * time.Hour
	ResetPasswordTTL = time.Hour
)

// tokenTTL is the lifetime of each purpose; a purpose not listed cannot be
// issued.
var tokenTTL = map[string]time.Duration{
	PurposeVerifyEmail:   VerifyEmailTTL,
	PurposeChangeEmail:   ChangeEmailTTL,
	PurposeResetPassword: ResetPasswordTTL,
}

// Why a token was refused. Handlers show each its own message.
var (
	// ErrTokenInvalid: malformed, unknown, replaced by a newer one, or
	// issued for another purpose.
	ErrTokenInvalid = errors.New("token invalid")
	// ErrTokenUsed: the token worked once already.
	ErrTokenUsed = errors.New("token already used")
	// ErrTokenExpired: the token's time ran out.
	ErrTokenExpired = errors.New("token expired")
)

// tokenBytes is the token's entropy; its text is base64url without padding.
const tokenBytes = 32

// AccountToken is a stored token. The token itself is never stored: only
// its SHA-256, so a copy of the database opens no accounts.
type AccountToken struct {
	ID      int64  `db:"id"`
	UserID  int64  `db:"user_id"`
	Purpose string `db:"purpose"`
	// Email is the address the token was mailed to: the address to verify,
	// or the new address of an email change.
	Email     string     `db:"email"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
	CreatedAt time.Time  `db:"created_at"`
}

const tokenColumns = `id, user_id, purpose, email, expires_at, used_at, created_at` // #nosec G101 -- column names, not a credential

// AccountTokens stores the single-use tokens in mailed links.
type AccountTokens struct {
	db  *db.DB
	now func() time.Time
}

// hashToken returns what is stored for token, or nil when token is not
// something Issue could have made (so garbage never reaches the database).
func hashToken(token string) []byte {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != tokenBytes {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Issue creates a token for the user's purpose, mailed to email, and
// returns its text. Older unused tokens of the same purpose stop working,
// so only the latest link in the user's inbox does.
func (t *AccountTokens) Issue(ctx context.Context, userID int64, purpose, email string) (string, error) {
	ttl, ok := tokenTTL[purpose]
	if !ok {
		return "", fmt.Errorf("issue token: unknown purpose %q", purpose)
	}
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := t.now()
	err := t.db.WithTx(ctx, func(ctx context.Context) error {
		// Used and expired rows are only kept to say "already used"; drop
		// the user's expired ones while here.
		if _, err := t.db.Exec(ctx, `
			DELETE FROM account_tokens
			WHERE user_id = ? AND ((purpose = ? AND used_at IS NULL) OR expires_at <= ?)`,
			userID, purpose, now); err != nil {
			return fmt.Errorf("replace tokens: %w", err)
		}
		if _, err := t.db.Exec(ctx, `
			INSERT INTO account_tokens (user_id, purpose, token_hash, email, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			userID, purpose, hashToken(token), email, now.Add(ttl), now); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Peek returns the token if it would be accepted now, without using it
// (to show the form a link leads to).
func (t *AccountTokens) Peek(ctx context.Context, purpose, token string) (AccountToken, error) {
	tok, err := t.byHash(ctx, purpose, hashToken(token))
	if err != nil {
		return AccountToken{}, err
	}
	if err := tok.refusal(t.now()); err != nil {
		return AccountToken{}, err
	}
	return tok, nil
}

// Consume uses the token: one UPDATE marks it used only if it is unused
// and unexpired, so of two simultaneous requests exactly one succeeds. A
// refused token says why (ErrTokenInvalid, ErrTokenUsed, ErrTokenExpired).
// Called inside the caller's transaction, the token stays unused if the
// caller's change fails.
func (t *AccountTokens) Consume(ctx context.Context, purpose, token string) (AccountToken, error) {
	hash := hashToken(token)
	if hash == nil {
		return AccountToken{}, ErrTokenInvalid
	}
	var tok AccountToken
	err := t.db.WithTx(ctx, func(ctx context.Context) error {
		now := t.now()
		err := t.db.GetWrite(ctx, &tok, `
			UPDATE account_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
			RETURNING `+tokenColumns, now, hash, purpose, now)
		if errors.Is(err, sql.ErrNoRows) {
			// Refused: read the row in the same transaction to say why.
			found, err := t.byHash(ctx, purpose, hash)
			if err != nil {
				return err
			}
			if err := found.refusal(now); err != nil {
				return err
			}
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("consume token: %w", err)
		}
		return nil
	})
	if err != nil {
		return AccountToken{}, err
	}
	return tok, nil
}

// RevokeAll makes every unused token of the user stop working (after the
// email changes, links mailed to the old address must not work).
func (t *AccountTokens) RevokeAll(ctx context.Context, userID int64) error {
	if _, err := t.db.Exec(ctx, `DELETE FROM account_tokens WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
		return fmt.Errorf("revoke tokens: %w", err)
	}
	return nil
}

// byHash reads the token of purpose with hash; anything else is
// ErrTokenInvalid.
func (t *AccountTokens) byHash(ctx context.Context, purpose string, hash []byte) (AccountToken, error) {
	if hash == nil {
		return AccountToken{}, ErrTokenInvalid
	}
	var tok AccountToken
	err := t.db.Get(ctx, &tok, `
		SELECT `+tokenColumns+` FROM account_tokens WHERE token_hash = ? AND purpose = ?`, hash, purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return AccountToken{}, ErrTokenInvalid
	}
	if err != nil {
		return AccountToken{}, fmt.Errorf("token by hash: %w", err)
	}
	return tok, nil
}

// refusal says why the token would be refused at now, or nil.
func (tok AccountToken) refusal(now time.Time) error {
	switch {
	case tok.UsedAt != nil:
		return ErrTokenUsed
	case !now.Before(tok.ExpiresAt):
		return ErrTokenExpired
	}
	return nil
}
