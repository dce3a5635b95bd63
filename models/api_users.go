package models

import (
	"context"
	"fmt"
	"strings"
)

// UsersAfter returns up to limit users with ids above after whose email or
// name contains q (any case), in id order: the API's keyset pages, which
// neither skip nor repeat a user when accounts are created meanwhile.
func (u *Users) UsersAfter(ctx context.Context, q string, after int64, limit int) ([]User, error) {
	pattern := "%" + escapeLike(strings.ToLower(strings.TrimSpace(q))) + "%"
	users := []User{}
	err := u.db.Select(ctx, &users, `
		SELECT `+userColumns+` FROM users
		WHERE id > ? AND (lower(email) LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\')
		ORDER BY id LIMIT ?`, after, pattern, pattern, limit)
	if err != nil {
		return nil, fmt.Errorf("users after: %w", err)
	}
	return users, nil
}

// UserChange is an admin's change to an account; nil fields stay as they are.
type UserChange struct {
	Role   *string
	Locked *bool
}

// Change applies ch to user id in one transaction with check, which sees
// the account as it is and may refuse (a stale ETag, say), so nothing
// written between the check and the change is overwritten. Demoting or
// locking the last admin is ErrLastAdmin, as on the admin page. It returns
// the account before and after.
func (u *Users) Change(ctx context.Context, id int64, ch UserChange, check func(current User) error) (before, after User, err error) {
	err = u.db.WithTx(ctx, func(ctx context.Context) error {
		if before, err = u.ByID(ctx, id); err != nil {
			return err
		}
		if err := check(before); err != nil {
			return err
		}
		if ch.Role != nil && *ch.Role != before.Role {
			if err := u.SetRole(ctx, id, *ch.Role); err != nil {
				return err
			}
		}
		if ch.Locked != nil && *ch.Locked != before.Locked() {
			if err := u.SetLocked(ctx, id, *ch.Locked); err != nil {
				return err
			}
		}
		after, err = u.ByID(ctx, id)
		return err
	})
	return before, after, err
}
