// Package accounts holds the operations on accounts that the pages and
// the API share: signing in, API tokens, email changes and verification,
// password resets, two-factor settings and the account's own data. Each
// operation checks its rules, makes its change and writes its audit row
// in one transaction, and answers with a result or a *models.Refusal.
package accounts

import (
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
