// Package authoring holds the author's operations that the pages and the
// API share: loading a guide for editing, creating, updating and
// publishing guides with their tags, editing and moving steps, quizzes,
// images, and importing and exporting guide archives. Each operation
// checks its rules, makes its change and queues its events in one
// transaction, and answers with a result or a *models.Refusal.
package authoring

import (
	"stepwise/db"
	"stepwise/models"
)

// Service runs the authoring operations over one database.
type Service struct {
	db *db.DB
	m  *models.Models
}

// New returns the authoring operations over d and its stores m.
func New(d *db.DB, m *models.Models) *Service { return &Service{db: d, m: m} }
