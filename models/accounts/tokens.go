package accounts

import (
	"context"
	"time"

	"stepwise/models"
)

// NewToken is a personal access token made, with its text, shown once.
type NewToken struct {
	Token models.APIToken
	Text  string
}

// CreateToken makes a personal access token for u: invalid input (name,
// scopes, expiry; the admin scope for admins only) is RefusedInvalid.
// The token and its audit row are one transaction.
func (s *Service) CreateToken(ctx context.Context, o models.Origin, u *models.User, in models.NewAPIToken) (NewToken, error) {
	if err := own(u); err != nil {
		return NewToken{}, err
	}
	if fe := in.Validate(u, time.Now()); fe.Any() {
		return NewToken{}, models.Invalid(fe)
	}
	var out NewToken
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if out.Token, out.Text, err = s.m.APITokens.Create(ctx, u.ID, in); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventAPITokenCreated, u.ID, out.Token.AuditDetail()))
	})
	if err != nil {
		return NewToken{}, err
	}
	return out, nil
}

// CreateTokenWithPassword signs in a script with creds (as SignIn does
// for Script, throttled by models.APILoginBudget) and makes the token in
// for the account, for POST /api/v1/tokens. The request is validated as
// CreateToken does once the password is right and the account may sign
// in, and before the second factor is checked: an invalid one is
// RefusedInvalid without spending the code (a recovery code could not be
// used again) or clearing the budget.
func (s *Service) CreateTokenWithPassword(ctx context.Context, o models.Origin, creds Credentials, in models.NewAPIToken) (NewToken, error) {
	creds.Via = Script // the code comes with the password; no session follows
	signed, err := s.signIn(ctx, o, creds, func(u models.User) error {
		if fe := in.Validate(&u, time.Now()); fe.Any() {
			return models.Invalid(fe)
		}
		return nil
	})
	if err != nil {
		return NewToken{}, err
	}
	u := signed.User
	return s.CreateToken(ctx, o.As(u.ID), &u, in)
}

// RevokeToken stops u's token id from working, with its audit row, in
// one transaction. Another user's token, or one revoked already, is
// RefusedNotFound.
func (s *Service) RevokeToken(ctx context.Context, o models.Origin, u *models.User, id int64) error {
	if err := own(u); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		tok, err := s.m.APITokens.Get(ctx, u.ID, id)
		if err != nil {
			return notFound(err, "no_token", "There is no such token.")
		}
		if err := s.m.APITokens.Revoke(ctx, u.ID, tok.ID); err != nil {
			return notFound(err, "no_token", "There is no such token.")
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventAPITokenRevoked, u.ID, tok.AuditDetail()))
	})
}
