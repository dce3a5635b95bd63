package models

import (
	"context"
	"fmt"
	"strings"

	"stepwise/models/passhash"
)

// escapeLike escapes LIKE's wildcards so a search for "50%" means it.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns one page of users whose email or name contains q (any
// case), newest first.
func (u *Users) List(ctx context.Context, q string, page, size int) ([]User, Page, error) {
	if page < 1 {
		page = 1
	}
	pattern := "%" + escapeLike(strings.ToLower(strings.TrimSpace(q))) + "%"
	var users []User
	err := u.db.Select(ctx, &users, `
		SELECT `+userColumns+` FROM users
		WHERE lower(email) LIKE ? ESCAPE '\' OR lower(display_name) LIKE ? ESCAPE '\'
		ORDER BY id DESC LIMIT ? OFFSET ?`, pattern, pattern, size+1, (page-1)*size)
	if err != nil {
		return nil, Page{}, fmt.Errorf("list users: %w", err)
	}
	p := Page{Number: page, Size: size}
	if len(users) > size {
		p.HasNext = true
		users = users[:size]
	}
	return users, p, nil
}

// SetRole changes a user's role; demoting the last admin is ErrLastAdmin.
// With SetLocked it is the one way to change an account's role or lock:
// the admin page and the API both go through admin.Service.ChangeUser,
// which calls them in its transaction and records the change.
func (u *Users) SetRole(ctx context.Context, id int64, role string) error {
	if !ValidRole(role) {
		return fmt.Errorf("set role: unknown role %q", role)
	}
	return u.db.WithTx(ctx, func(ctx context.Context) error {
		if role != RoleAdmin {
			if err := u.keepAnAdmin(ctx, id); err != nil {
				return err
			}
		}
		return u.update(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, now(), id)
	})
}

// SetLocked locks (ending every session) or unlocks an account; locking
// the last admin is ErrLastAdmin.
func (u *Users) SetLocked(ctx context.Context, id int64, locked bool) error {
	return u.db.WithTx(ctx, func(ctx context.Context) error {
		if !locked {
			return u.update(ctx, `UPDATE users SET locked_at = NULL, updated_at = ? WHERE id = ?`, now(), id)
		}
		if err := u.keepAnAdmin(ctx, id); err != nil {
			return err
		}
		t := now()
		if err := u.update(ctx, `UPDATE users SET locked_at = ?, updated_at = ? WHERE id = ?`, t, t, id); err != nil {
			return err
		}
		_, err := u.db.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, id)
		return err
	})
}

// ForcePasswordReset makes the user choose a new password (through the
// reset link) before signing in again, and ends every session
// (admin.Service.ForcePasswordReset records it).
func (u *Users) ForcePasswordReset(ctx context.Context, id int64) error {
	return u.db.WithTx(ctx, func(ctx context.Context) error {
		if err := u.update(ctx, `UPDATE users SET must_reset_password = TRUE, updated_at = ? WHERE id = ?`, now(), id); err != nil {
			return err
		}
		_, err := u.db.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, id)
		return err
	})
}

// update runs a one-row UPDATE and returns ErrNotFound when no row matched.
func (u *Users) update(ctx context.Context, query string, args ...any) error {
	res, err := u.db.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateAdmin makes email an admin: an existing account is promoted
// (its password unchanged); otherwise a verified admin account is
// created with password. It reports whether it created the account.
func (u *Users) CreateAdmin(ctx context.Context, email, name, password string) (created bool, err error) {
	// Hashed before the transaction, which holds the database's writer:
	// waiting for a hashing slot there would stall every other write.
	hash, err := passhash.Hash(ctx, password)
	if err != nil {
		return false, err
	}
	// The audit row is written in the same transaction: an admin made
	// on the server's command line is on the record like one made on
	// the admin page.
	cli := AuditEntry{UserAgent: "stepwise create-admin", Detail: "on the server's command line"}
	err = u.db.WithTx(ctx, func(ctx context.Context) error {
		existing, err := u.ByEmail(ctx, email)
		switch {
		case err == nil:
			if err := u.update(ctx, `UPDATE users SET role = ?, locked_at = NULL, updated_at = ? WHERE id = ?`, RoleAdmin, now(), existing.ID); err != nil {
				return err
			}
			cli.Event, cli.TargetID = EventAdminPromoted, ID(existing.ID)
			return u.audit.Record(ctx, cli)
		case err != ErrNotFound:
			return err
		}
		user, err := u.create(ctx, NewUser{Email: email, DisplayName: name}, hash)
		if err != nil {
			return err
		}
		created = true
		t := now()
		if err := u.update(ctx, `UPDATE users SET role = ?, email_verified_at = ?, updated_at = ? WHERE id = ?`, RoleAdmin, t, t, user.ID); err != nil {
			return err
		}
		cli.Event, cli.TargetID = EventAdminCreated, ID(user.ID)
		return u.audit.Record(ctx, cli)
	})
	return created, err
}
