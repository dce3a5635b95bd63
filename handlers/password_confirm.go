package handlers

import (
	"context"

	"stepwise/models"
)

// passwordChecker is what confirming an action with the password needs.
type passwordChecker interface {
	CheckPassword(ctx context.Context, user models.User, password string) (bool, error)
}

// confirmPassword reports whether password is u's current password. An
// empty or oversized one is refused without hashing megabytes. An error
// (the request's deadline passed waiting for a hashing slot) means it
// was not checked.
func confirmPassword(ctx context.Context, users passwordChecker, u models.User, password string) (bool, error) {
	if password == "" || len(password) > 4*models.PasswordMaxLen {
		return false, nil
	}
	return users.CheckPassword(ctx, u, password)
}
