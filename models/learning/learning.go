// Package learning holds the learner's operations that the pages and the
// API share: completing and undoing a step (with its quiz gate,
// certificate and webhook events), answering a quiz and keeping notes.
// Each operation checks its rules, makes its change and queues its
// events in one transaction, and answers with a result or a
// *models.Refusal.
package learning

import (
	"stepwise/db"
	"stepwise/models"
)

// Service runs the learning operations over one database.
type Service struct {
	db *db.DB
	m  *models.Models
}

// New returns the learning operations over d and its stores m.
func New(d *db.DB, m *models.Models) *Service { return &Service{db: d, m: m} }
