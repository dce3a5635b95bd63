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

// learnerKey is whose transaction an operation runs: a learner's own
// requests (a double click, a retrying client, a syncing script) wait for
// each other on PostgreSQL instead of failing to serialize and being
// retried (db.WithTxFor). A visitor, refused inside, is key 0.
func learnerKey(user *models.User) int64 {
	if user == nil {
		return 0
	}
	return user.ID
}
