package models

import (
	"context"
	"fmt"

	"stepwise/db"
)

// Passwords changes a user's password with everything that goes with it,
// in one transaction: the account page's change and the reset by email
// both call it, so the rule (who stays signed in, which tokens survive,
// what the audit log says) lives here once.
type Passwords struct {
	db       *db.DB
	users    *Users
	sessions *UserSessions
	tokens   *AccountTokens
	api      *APITokens
	audit    *Audit
}

// PasswordChange is one new password and what goes with it.
type PasswordChange struct {
	UserID int64
	// Hash is the new password's hash, made with HashPassword before the
	// change: hashing waits for a CPU slot, and the transaction holds the
	// database's only writer.
	Hash string
	// KeepSession is the user_sessions row that stays signed in (the
	// browser making the change); empty ends every session.
	KeepSession string
	// ResetToken, for a reset by email, is the single-use link's token,
	// consumed in the same transaction so of two submissions only one
	// passes. A reset always revokes the API tokens: whoever knew the old
	// password may have made one.
	ResetToken string
	// RevokeTokens revokes every API token on a change too.
	RevokeTokens bool
	// Audit is the event to record (EventPasswordChange or
	// EventPasswordReset), with who, from where; a revocation is recorded
	// beside it with the same origin.
	Audit AuditEntry
}

// Change applies ch and returns how many API tokens it revoked. A reset
// whose token is spent, expired or unknown fails with the token's error
// and changes nothing.
func (p *Passwords) Change(ctx context.Context, ch PasswordChange) (revoked int64, err error) {
	reset := ch.ResetToken != ""
	err = p.db.WithTx(ctx, func(ctx context.Context) error {
		if reset {
			if _, err := p.tokens.Consume(ctx, PurposeResetPassword, ch.ResetToken); err != nil {
				return err
			}
		}
		if err := p.users.SetPasswordHash(ctx, ch.UserID, ch.Hash); err != nil {
			return err
		}
		if _, err := p.sessions.DeleteOthers(ctx, ch.UserID, ch.KeepSession); err != nil {
			return err
		}
		if err := p.audit.Record(ctx, ch.Audit); err != nil {
			return err
		}
		if !reset && !ch.RevokeTokens {
			return nil
		}
		n, err := p.api.RevokeAll(ctx, ch.UserID)
		if err != nil || n == 0 {
			return err
		}
		revoked = n
		why := "with a password change"
		if reset {
			why = "on a password reset by email"
		}
		e := ch.Audit
		e.Event, e.Detail = EventAPITokenRevoked, revokedDetail(n, why)
		return p.audit.Record(ctx, e)
	})
	if err != nil {
		return 0, err
	}
	return revoked, nil
}

// revokedDetail is the audit note of n tokens revoked at once.
func revokedDetail(n int64, why string) string {
	if n == 1 {
		return "the only token, " + why
	}
	return fmt.Sprintf("all %d tokens, %s", n, why)
}
