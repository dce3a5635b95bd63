package accounts

import (
	"context"
	"errors"

	"stepwise/models"
	"stepwise/models/passhash"
)

// NewAccount is what a sign-up offers.
type NewAccount struct {
	Email       string
	DisplayName string
	Password    string
}

// Validate returns a message per invalid field of a normalised sign-up.
func (in NewAccount) Validate() models.FieldErrors {
	fe := models.FieldErrors{}
	if m := models.CheckEmail(in.Email); m != "" {
		fe.Add("email", m)
	}
	if m := models.CheckDisplayName(in.DisplayName); m != "" {
		fe.Add("display_name", m)
	}
	if m := models.CheckNewPassword(in.Password, in.Email, in.DisplayName); m != "" {
		fe.Add("password", m)
	}
	return fe
}

// SignedUp is a new account, signed in, with the token of the link that
// verifies its address, for the caller to mail.
type SignedUp struct {
	SignedIn
	VerifyToken string
}

// SignUp creates a learner account and signs the browser in. Invalid
// input, or an email already taken, is RefusedInvalid. A valid sign-up
// spends from its address's allowance and everyone's
// (models.SignupAllowances); over either it is RefusedThrottled and the
// refusal is audited in its own write. The account, its session row and
// the signup audit row are one transaction with the verification link's
// token; the password is hashed before it.
func (s *Service) SignUp(ctx context.Context, o models.Origin, in NewAccount) (SignedUp, error) {
	in.Email = models.NormalizeEmail(in.Email)
	if fe := in.Validate(); fe.Any() {
		return SignedUp{}, models.Invalid(fe)
	}
	refused, wait, err := s.m.Throttle.Take(ctx, models.SignupAllowances(o.IP)...)
	if err != nil {
		return SignedUp{}, err
	}
	if refused != "" {
		msg, detail := "Too many sign-ups from your network; try again in "+inMinutes(wait)+".", "address allowance used up"
		if refused == models.SignupOverallKey {
			msg, detail = "Too many people are signing up right now; try again in "+inMinutes(wait)+".", "overall allowance used up"
		}
		if err := s.m.Audit.Record(ctx, o.Entry(models.EventSignupThrottled, 0, detail)); err != nil {
			return SignedUp{}, err
		}
		r := models.Refuse(models.RefusedThrottled, "too_many_signups", msg)
		r.RetryAfter = wait
		return SignedUp{}, r
	}
	hash, err := passhash.Hash(ctx, in.Password)
	if err != nil {
		return SignedUp{}, err
	}
	var out SignedUp
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.m.Users.CreateHashed(ctx, models.NewUser{Email: in.Email, DisplayName: in.DisplayName}, hash)
		if errors.Is(err, models.ErrConflict) {
			return models.Invalid(models.FieldErrors{"email": "An account with this email already exists. Log in instead?"})
		}
		if err != nil {
			return err
		}
		out.User = u
		if out.SessionID, err = s.m.Sessions.Create(ctx, u.ID, o.IP, o.UserAgent); err != nil {
			return err
		}
		if out.VerifyToken, err = s.m.Tokens.Issue(ctx, u.ID, models.PurposeVerifyEmail, u.Email); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.As(u.ID).Entry(models.EventSignup, u.ID, ""))
	})
	if err != nil {
		return SignedUp{}, err
	}
	return out, nil
}
