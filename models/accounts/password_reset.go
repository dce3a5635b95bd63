package accounts

import (
	"context"
	"errors"

	"stepwise/models"
)

// ResetMail is what a reset request leaves to mail: the account and the
// link's token, or neither when no account has the address (the answer
// must look the same either way).
type ResetMail struct {
	User  *models.User
	Token string
}

// RequestPasswordReset issues a reset link for the account with email,
// if there is one. A malformed address is RefusedInvalid. Every request
// counts against the address and the client's (one write of their own),
// so the form cannot flood an inbox: over either it is RefusedThrottled.
// The token and the audit row are one transaction.
func (s *Service) RequestPasswordReset(ctx context.Context, o models.Origin, email string) (ResetMail, error) {
	email = models.NormalizeEmail(email)
	if m := models.CheckEmail(email); m != "" {
		return ResetMail{}, models.Invalid(models.FieldErrors{"email": m})
	}
	// The address is keyed like every other budget's, so an IPv6 client
	// cannot step around it within its /64.
	err := s.mailThrottle(ctx, models.Budget{
		{Key: "reset:email:" + email, Limit: models.AccountLimit},
		{Key: "reset:ip:" + models.AddressKey(o.IP), Limit: models.AddressLimit},
	})
	if err != nil {
		return ResetMail{}, err
	}
	var out ResetMail
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.m.Users.ByEmail(ctx, email)
		if errors.Is(err, models.ErrNotFound) {
			return s.m.Audit.Record(ctx, o.Entry(models.EventPasswordResetAsked, 0, "no account for the address"))
		}
		if err != nil {
			return err
		}
		if out.Token, err = s.m.Tokens.Issue(ctx, u.ID, models.PurposeResetPassword, u.Email); err != nil {
			return err
		}
		out.User = &u
		return s.m.Audit.Record(ctx, o.Entry(models.EventPasswordResetAsked, u.ID, ""))
	})
	if err != nil {
		return ResetMail{}, err
	}
	return out, nil
}

// CheckResetLink answers whether a reset link still works, before its
// form is shown: nil, or the link's refusal.
func (s *Service) CheckResetLink(ctx context.Context, token string) error {
	_, err := s.m.Tokens.Peek(ctx, models.PurposeResetPassword, token)
	return linkRefusal(err)
}

// ResetPassword sets a new password from a mailed link: it uses the
// token, ends every session of the account and revokes its API tokens
// (whoever asked for the reset may not be the only one with the old
// password, and may have made a token with it), in one transaction. A
// spent, expired or unknown link is refused (RefusedRule, RefusedNotFound);
// a weak password is RefusedInvalid on the password field. It returns
// how many API tokens it revoked.
func (s *Service) ResetPassword(ctx context.Context, o models.Origin, token, password string) (revoked int64, err error) {
	tok, err := s.m.Tokens.Peek(ctx, models.PurposeResetPassword, token)
	if err != nil {
		return 0, linkRefusal(err)
	}
	u, err := s.m.Users.ByID(ctx, tok.UserID)
	if err != nil {
		return 0, notFound(err, "link_invalid", "This link's account no longer exists.")
	}
	if m := models.CheckNewPassword(password, u.Email, u.DisplayName); m != "" {
		return 0, models.Invalid(models.FieldErrors{"password": m})
	}
	// The link is consumed again inside the change: of two submissions
	// only one passes.
	return s.setPassword(ctx, o.As(u.ID), newPassword{UserID: u.ID, Password: password, ResetToken: token})
}
