package accounts

import (
	"context"
	"strconv"

	"stepwise/models"
)

// ResendVerification issues a new link that verifies u's address (the
// older one stops working), for the caller to mail. It is throttled per
// user, counted in its own write, so it cannot flood an inbox
// (RefusedThrottled). An address verified already needs no link:
// it returns "" and no error.
func (s *Service) ResendVerification(ctx context.Context, u *models.User) (token string, err error) {
	if err := own(u); err != nil {
		return "", err
	}
	if u.EmailVerifiedAt != nil {
		return "", nil
	}
	if err := s.mailThrottle(ctx, models.Budget{{Key: "verify:user:" + strconv.FormatInt(u.ID, 10), Limit: models.AccountLimit}}); err != nil {
		return "", err
	}
	return s.m.Tokens.Issue(ctx, u.ID, models.PurposeVerifyEmail, u.Email)
}

// VerifyEmail uses a mailed verification link and marks the address
// verified, with the audit row, in one transaction. It returns the
// account's id. A spent, expired or unknown link is refused
// (RefusedRule, RefusedNotFound); a link for an address the account no
// longer uses is RefusedConflict (and is used up all the same).
func (s *Service) VerifyEmail(ctx context.Context, o models.Origin, token string) (userID int64, err error) {
	var still bool
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		tok, err := s.m.Tokens.Consume(ctx, models.PurposeVerifyEmail, token)
		if err != nil {
			return linkRefusal(err)
		}
		userID = tok.UserID
		if still, err = s.m.Users.MarkEmailVerified(ctx, tok.UserID, tok.Email); err != nil || !still {
			return err
		}
		return s.m.Audit.Record(ctx, o.As(tok.UserID).Entry(models.EventEmailVerified, tok.UserID, ""))
	})
	if err != nil {
		return 0, err
	}
	if !still {
		return userID, models.Refuse(models.RefusedConflict, "email_changed",
			"This link was for an address your account no longer uses, so there is nothing to verify.")
	}
	return userID, nil
}
