// Package accounts holds the operations on accounts that the pages and
// the API share: signing in, API tokens, email changes and verification,
// password resets, two-factor settings and the account's own data. Each
// operation checks its rules, makes its change and writes its audit row
// in one transaction, and answers with a result or a *models.Refusal.
package accounts

import (
	"errors"
	"fmt"
	"time"

	"stepwise/db"
	"stepwise/models"
)

// Service runs the account operations over one database.
type Service struct {
	db *db.DB
	m  *models.Models
}

// New returns the account operations over d and its stores m.
func New(d *db.DB, m *models.Models) *Service { return &Service{db: d, m: m} }

// own refuses unless u may manage the account u: every operation here
// acts on the caller's own account only.
func own(u *models.User) error {
	if !models.CanManageAccount(u, u) {
		return models.Refuse(models.RefusedForbidden, "forbidden", "You do not have permission to do that.")
	}
	return nil
}

// throttled refuses an attempt that must wait, saying how long, rounded
// up.
func throttled(wait time.Duration) *models.Refusal {
	r := models.Refuse(models.RefusedThrottled, "too_many_attempts", tooManyAttempts(wait))
	r.RetryAfter = wait
	return r
}

// tooManyAttempts tells a throttled user how long to wait, rounded up.
func tooManyAttempts(wait time.Duration) string {
	if wait > time.Minute {
		return fmt.Sprintf("Too many attempts. Please wait about %d minutes and try again.", int(wait.Minutes())+1)
	}
	return fmt.Sprintf("Too many attempts. Please wait %d seconds and try again.", int(wait.Seconds())+1)
}

// passwordGiven reports whether password is worth checking: an empty or
// oversized one is refused without hashing megabytes.
func passwordGiven(password string) bool {
	return password != "" && len(password) <= 4*models.PasswordMaxLen
}

// inMinutes says wait in whole minutes, rounded up.
func inMinutes(wait time.Duration) string {
	n := int((wait + time.Minute - 1) / time.Minute)
	if n <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// notFound turns the store's ErrNotFound into a refusal with code and
// reason; any other error passes unchanged.
func notFound(err error, code, reason string) error {
	if errors.Is(err, models.ErrNotFound) {
		return models.Refuse(models.RefusedNotFound, code, reason)
	}
	return err
}
