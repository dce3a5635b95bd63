// Package admin holds the operations of administrators and integrators
// that the pages and the API share: changing a user's role or lock,
// forcing a password reset, the site's settings, and webhook
// subscriptions. Each operation checks its rules, makes its change and
// writes its audit row in one transaction, and answers with a result or a
// *models.Refusal.
package admin

import (
	"stepwise/db"
	"stepwise/models"
)

// Service runs the admin and webhook operations over one database.
type Service struct {
	db *db.DB
	m  *models.Models
}

// New returns the admin operations over d and its stores m.
func New(d *db.DB, m *models.Models) *Service { return &Service{db: d, m: m} }
