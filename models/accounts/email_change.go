package accounts

import (
	"context"
	"errors"
	"strconv"

	"stepwise/models"
)

// EmailChangeRequest is the account page's email form.
type EmailChangeRequest struct {
	NewEmail string
	Password string
}

// EmailChangeMail is what a request leaves to mail to the new address.
type EmailChangeMail struct {
	NewEmail string
	Token    string
}

// RequestEmailChange checks the new address and u's password (a bad,
// unchanged or taken address, or a wrong password, is RefusedInvalid on
// the new_email and password fields) and issues the link that makes the
// change. Requests are throttled per user, counted in their own write, so
// the form cannot flood someone else's inbox (RefusedThrottled). The
// token and the audit row are one transaction.
func (s *Service) RequestEmailChange(ctx context.Context, o models.Origin, u *models.User, in EmailChangeRequest) (EmailChangeMail, error) {
	if err := own(u); err != nil {
		return EmailChangeMail{}, err
	}
	out := EmailChangeMail{NewEmail: models.NormalizeEmail(in.NewEmail)}
	fe := models.FieldErrors{}
	if m := models.CheckEmail(out.NewEmail); m != "" {
		fe.Add("new_email", m)
	} else if out.NewEmail == u.Email {
		fe.Add("new_email", "That is already your email address.")
	}
	switch ok, err := s.confirmPassword(ctx, *u, in.Password); {
	case err != nil:
		return EmailChangeMail{}, err
	case !ok:
		fe.Add("password", "That is not your current password.")
	}
	if !fe.Any() {
		_, err := s.m.Users.ByEmail(ctx, out.NewEmail)
		switch {
		case err == nil:
			fe.Add("new_email", "Another account already uses this address.")
		case !errors.Is(err, models.ErrNotFound):
			return EmailChangeMail{}, err
		}
	}
	if fe.Any() {
		return EmailChangeMail{}, models.Invalid(fe)
	}
	if err := s.mailThrottle(ctx, models.Budget{{Key: "change-email:user:" + strconv.FormatInt(u.ID, 10), Limit: models.AccountLimit}}); err != nil {
		return EmailChangeMail{}, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if out.Token, err = s.m.Tokens.Issue(ctx, u.ID, models.PurposeChangeEmail, out.NewEmail); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventEmailChangeAsked, u.ID, ""))
	})
	if err != nil {
		return EmailChangeMail{}, err
	}
	return out, nil
}

// EmailChanged is a confirmed change: the account as it was (whose old
// address is told) and its new address.
type EmailChanged struct {
	Old      models.User
	NewEmail string
}

// ConfirmEmailChange makes the change a mailed link asks for: the email
// changes (now verified) and links mailed to the old address stop
// working, with the audit row, in one transaction. A spent, expired or
// unknown link is refused (RefusedRule, RefusedNotFound); an address
// another account took meanwhile is RefusedConflict, and the link stays
// unused.
func (s *Service) ConfirmEmailChange(ctx context.Context, o models.Origin, token string) (EmailChanged, error) {
	var out EmailChanged
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		tok, err := s.m.Tokens.Consume(ctx, models.PurposeChangeEmail, token)
		if err != nil {
			return linkRefusal(err)
		}
		if out.Old, err = s.m.Users.ByID(ctx, tok.UserID); err != nil {
			return notFound(err, "link_invalid", "This link's account no longer exists.")
		}
		out.NewEmail = tok.Email
		err = s.m.Users.ChangeEmail(ctx, tok.UserID, tok.Email)
		if errors.Is(err, models.ErrConflict) {
			return models.Refuse(models.RefusedConflict, "email_taken",
				"Another account started using this address after you asked, so your email was not changed.")
		}
		if err != nil {
			return err
		}
		if err := s.m.Tokens.RevokeAll(ctx, tok.UserID); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.As(tok.UserID).Entry(models.EventEmailChange, tok.UserID, ""))
	})
	if err != nil {
		return EmailChanged{}, err
	}
	return out, nil
}

// mailThrottle refuses a request that sends mail (RefusedThrottled,
// with RetryAfter) while any key of b must wait, and otherwise counts it
// against every key of b, in one write of its own, which a refusal
// later does not undo.
func (s *Service) mailThrottle(ctx context.Context, b models.Budget) error {
	wait, err := s.m.Throttle.Check(ctx, b)
	if err != nil {
		return err
	}
	if wait > 0 {
		return throttled(wait)
	}
	return s.m.Throttle.Failed(ctx, b)
}
