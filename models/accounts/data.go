package accounts

import (
	"context"
	"errors"

	"stepwise/models"
)

// ExportData gathers everything Stepwise holds about u, for the
// account page's "Download my data" and GET /api/v1/me/export alike,
// then records the export. The reads run outside any transaction: the
// database has one writer connection, and holding it for an export's
// unbounded SELECTs would make every other write in the app wait. Only
// the audit row, one write, is written after them.
func (s *Service) ExportData(ctx context.Context, o models.Origin, u *models.User) (models.UserExport, error) {
	if err := own(u); err != nil {
		return models.UserExport{}, err
	}
	out, err := s.m.Users.Export(ctx, u.ID)
	if err != nil {
		return models.UserExport{}, err
	}
	if err := s.m.Audit.Record(ctx, o.Entry(models.EventDataExport, u.ID, "")); err != nil {
		return models.UserExport{}, err
	}
	return out, nil
}

// DeleteAccount removes u's account once password confirms it (a wrong
// one is RefusedInvalid on the password field). The last admin is
// RefusedRule "last_admin". The deletion and its audit row are one
// transaction; the password is checked before it.
func (s *Service) DeleteAccount(ctx context.Context, o models.Origin, u *models.User, password string) error {
	if err := own(u); err != nil {
		return err
	}
	ok, err := s.confirmPassword(ctx, *u, password)
	if err != nil {
		return err
	}
	if !ok {
		return models.Invalid(models.FieldErrors{"password": "That is not your password."})
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		err := s.m.Users.Delete(ctx, u.ID)
		if errors.Is(err, models.ErrLastAdmin) {
			return models.Refuse(models.RefusedRule, "last_admin", "You are the only admin. Make someone else an admin first.")
		}
		if err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventAccountDeleted, u.ID, ""))
	})
}

// confirmPassword reports whether password is u's current password. An
// empty or oversized one is refused without hashing megabytes. An error
// (the deadline passed waiting for a hashing slot) means it was not
// checked.
func (s *Service) confirmPassword(ctx context.Context, u models.User, password string) (bool, error) {
	if !passwordGiven(password) {
		return false, nil
	}
	return s.m.Users.CheckPassword(ctx, u, password)
}
