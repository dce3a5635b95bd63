package models

import (
	"context"
	"fmt"

	"stepwise/db"
)

// MarkEmailVerified records that the user proved they read mail at email.
// It reports false when email is no longer the user's address (the link
// was mailed before an email change), and verifies nothing then.
func (u *Users) MarkEmailVerified(ctx context.Context, id int64, email string) (bool, error) {
	t := now()
	res, err := u.db.Exec(ctx, `
		UPDATE users SET email_verified_at = coalesce(email_verified_at, ?), updated_at = ?
		WHERE id = ? AND email = ?`, t, t, id, NormalizeEmail(email))
	if err != nil {
		return false, fmt.Errorf("mark email verified: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark email verified: %w", err)
	}
	return n > 0, nil
}

// ChangeEmail sets the user's address to email, verified (the change is
// made from a link mailed to it). A taken address is ErrConflict.
func (u *Users) ChangeEmail(ctx context.Context, id int64, email string) error {
	t := now()
	res, err := u.db.Exec(ctx, `
		UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?`,
		NormalizeEmail(email), t, t, id)
	if db.IsUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("change email: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
