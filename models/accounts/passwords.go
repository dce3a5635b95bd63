package accounts

import (
	"context"
	"fmt"

	"stepwise/models"
	"stepwise/models/passhash"
)

// PasswordChange is the account page's password form.
type PasswordChange struct {
	Current string
	New     string
	// RevokeTokens revokes every API token too.
	RevokeTokens bool
	// KeepSession is the user_sessions row that stays signed in (the
	// browser making the change); every other one ends.
	KeepSession string
}

// ChangePassword sets u's new password after checking the current one
// (a wrong current password, or a weak or unchanged new one, is
// RefusedInvalid on the current_password and new_password fields). It
// ends every other session and, when asked, revokes the API tokens; it
// returns how many it revoked.
func (s *Service) ChangePassword(ctx context.Context, o models.Origin, u *models.User, in PasswordChange) (revoked int64, err error) {
	if err := own(u); err != nil {
		return 0, err
	}
	fe := models.FieldErrors{}
	switch ok, err := s.confirmPassword(ctx, *u, in.Current); {
	case err != nil:
		return 0, err
	case !ok:
		fe.Add("current_password", "That is not your current password.")
	}
	if m := models.CheckNewPassword(in.New, u.Email, u.DisplayName); m != "" {
		fe.Add("new_password", m)
	} else if in.New == in.Current {
		fe.Add("new_password", "Choose a password different from your current one.")
	}
	if fe.Any() {
		return 0, models.Invalid(fe)
	}
	return s.setPassword(ctx, o, newPassword{
		UserID: u.ID, Password: in.New, KeepSession: in.KeepSession, RevokeTokens: in.RevokeTokens,
	})
}

// newPassword is one new password and what goes with it: the account
// page's change and the reset by email both set it, so the rule (who
// stays signed in, which tokens survive, what the audit log says) lives
// here once.
type newPassword struct {
	UserID   int64
	Password string
	// KeepSession is the user_sessions row that stays signed in; empty
	// ends every session.
	KeepSession string
	// ResetToken, for a reset by email, is the single-use link's token,
	// consumed in the same transaction so of two submissions only one
	// passes. A reset always revokes the API tokens: whoever knew the old
	// password may have made one.
	ResetToken string
	// RevokeTokens revokes every API token on a change too.
	RevokeTokens bool
}

// setPassword applies p in one transaction, after hashing the password
// (hashing waits for a CPU slot; the transaction holds the database's
// only writer), and returns how many API tokens it revoked. A reset
// whose link is spent, expired or unknown is refused (linkRefusal) and
// changes nothing.
func (s *Service) setPassword(ctx context.Context, o models.Origin, p newPassword) (revoked int64, err error) {
	hash, err := passhash.Hash(ctx, p.Password)
	if err != nil {
		return 0, err
	}
	reset := p.ResetToken != ""
	event := models.EventPasswordChange
	if reset {
		event = models.EventPasswordReset
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if reset {
			if _, err := s.m.Tokens.Consume(ctx, models.PurposeResetPassword, p.ResetToken); err != nil {
				return linkRefusal(err)
			}
		}
		if err := s.m.Users.SetPasswordHash(ctx, p.UserID, hash); err != nil {
			return err
		}
		if _, err := s.m.Sessions.DeleteOthers(ctx, p.UserID, p.KeepSession); err != nil {
			return err
		}
		if err := s.m.Audit.Record(ctx, o.Entry(event, p.UserID, "")); err != nil {
			return err
		}
		if !reset && !p.RevokeTokens {
			return nil
		}
		n, err := s.m.APITokens.RevokeAll(ctx, p.UserID)
		if err != nil || n == 0 {
			return err
		}
		revoked = n
		why := "with a password change"
		if reset {
			why = "on a password reset by email"
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventAPITokenRevoked, p.UserID, revokedDetail(n, why)))
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
