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
