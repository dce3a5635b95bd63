package admin

import (
	"context"
	"errors"
	"fmt"

	"stepwise/models"
)

// The refusals of the operations on accounts, the same on the admin page
// and in the API.
var (
	errNotAdmin   = models.Refuse(models.RefusedForbidden, "not_admin", "Only admins may change other accounts.")
	errOwnAccount = models.Refuse(models.RefusedForbidden, "own_account", "Admins change their own account from the account page, not here.")
	errNoUser     = models.Refuse(models.RefusedNotFound, "user_not_found", "There is no such account.")
	errLastAdmin  = models.Refuse(models.RefusedRule, "last_admin", "That would leave Stepwise without an admin. Make someone else an admin first.")
)

// MayChangeUsers refuses u the admin's changes to accounts unless u is an
// admin (RefusedForbidden). The operations on accounts check it; the API
// checks it before reading a request's body too.
func MayChangeUsers(u *models.User) error {
	if !u.IsAdmin() {
		return errNotAdmin
	}
	return nil
}

// UserChange is an admin's change to another account; nil fields stay as
// they are.
type UserChange struct {
	Role   *string
	Locked *bool
	// Precondition, if set, sees the account as it is inside the
	// change's transaction and may refuse (the API's If-Match), so
	// nothing written between the check and the change is overwritten.
	// Its error is returned as it is.
	Precondition func(current models.User) error
}

// UserChanged is an account before and after a change.
type UserChanged struct {
	Before, After models.User
}

// ChangeUser changes the role of user id, or locks (ending its sessions)
// or unlocks it, for admin, and records each change in the audit log. It
// refuses a non-admin or an admin's own account (RefusedForbidden), an
// unknown role (RefusedInvalid), an unknown account (RefusedNotFound),
// and demoting or locking the last admin (RefusedRule "last_admin").
// Setting what is already set changes and records nothing.
func (s *Service) ChangeUser(ctx context.Context, admin *models.User, origin models.Origin, id int64, ch UserChange) (UserChanged, error) {
	if err := MayChangeUsers(admin); err != nil {
		return UserChanged{}, err
	}
	if ch.Role != nil && !models.ValidRole(*ch.Role) {
		return UserChanged{}, models.Invalid(models.FieldErrors{"role": "Choose learner, author or admin."})
	}
	var out UserChanged
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.target(ctx, id)
		if err != nil {
			return err
		}
		if ch.Role != nil && !models.CanChangeRole(admin, &before) ||
			ch.Locked != nil && !models.CanLockUser(admin, &before) {
			return errOwnAccount
		}
		if ch.Precondition != nil {
			if err := ch.Precondition(before); err != nil {
				return err
			}
		}
		if ch.Role != nil && *ch.Role != before.Role {
			if err := lastAdmin(s.m.Users.SetRole(ctx, id, *ch.Role)); err != nil {
				return err
			}
			detail := fmt.Sprintf("%s → %s", before.Role, *ch.Role)
			if err := s.m.Audit.Record(ctx, origin.Entry(models.EventRoleChange, id, detail)); err != nil {
				return err
			}
		}
		if ch.Locked != nil && *ch.Locked != before.Locked() {
			if err := lastAdmin(s.m.Users.SetLocked(ctx, id, *ch.Locked)); err != nil {
				return err
			}
			event := models.EventUnlock
			if *ch.Locked {
				event = models.EventLock
			}
			if err := s.m.Audit.Record(ctx, origin.Entry(event, id, "")); err != nil {
				return err
			}
		}
		after, err := s.m.Users.ByID(ctx, id)
		out = UserChanged{Before: before, After: after}
		return err
	})
	if err != nil {
		return UserChanged{}, err
	}
	return out, nil
}

// ForcePasswordReset makes user id choose a new password (through the
// reset link) before signing in again and ends its sessions, for admin,
// and records it. It refuses a non-admin or an admin's own account
// (RefusedForbidden) and an unknown account (RefusedNotFound).
func (s *Service) ForcePasswordReset(ctx context.Context, admin *models.User, origin models.Origin, id int64) (models.User, error) {
	if err := MayChangeUsers(admin); err != nil {
		return models.User{}, err
	}
	var user models.User
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if user, err = s.target(ctx, id); err != nil {
			return err
		}
		if !models.CanForceReset(admin, &user) {
			return errOwnAccount
		}
		if err := s.m.Users.ForcePasswordReset(ctx, id); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, origin.Entry(models.EventForceReset, id, ""))
	})
	if err != nil {
		return models.User{}, err
	}
	return user, nil
}

// target loads the account an admin acts on.
func (s *Service) target(ctx context.Context, id int64) (models.User, error) {
	u, err := s.m.Users.ByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return u, errNoUser
	}
	return u, err
}

// lastAdmin turns the store's ErrLastAdmin into the operation's refusal.
func lastAdmin(err error) error {
	if errors.Is(err, models.ErrLastAdmin) {
		return errLastAdmin
	}
	return err
}
