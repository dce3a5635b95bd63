// Package authoring holds the author's operations that the pages and the
// API share: loading a guide for editing, creating, updating and
// publishing guides with their tags, editing and moving steps, quizzes,
// images, and importing and exporting guide archives. Each operation
// checks its rules, makes its change and queues its events in one
// transaction, and answers with a result or a *models.Refusal.
package authoring

import (
	"errors"

	"stepwise/db"
	"stepwise/models"
)

// Service runs the authoring operations over one database.
type Service struct {
	db *db.DB
	m  *models.Models
	// images holds the guides' image rows and files; nil until
	// WithImages, and then the image and archive operations work.
	images *models.Images
}

// New returns the authoring operations over d and its stores m.
func New(d *db.DB, m *models.Models) *Service { return &Service{db: d, m: m} }

// WithImages returns a copy of s whose image and archive operations use
// lib: the app makes the image library (and its file store) after the
// operations, so it hands it over here.
func (s *Service) WithImages(lib *models.Images) *Service {
	c := *s
	c.images = lib
	return &c
}

// stale refuses a change made from a version that is no longer the
// current one: someone else saved in between.
func stale() *models.Refusal {
	return models.Refuse(models.RefusedConflict, "stale",
		"Someone else saved a change since you loaded this. Reload it, then make your change again.")
}

// slugTaken refuses a slug another guide has, naming the field.
func slugTaken() *models.Refusal {
	r := models.Refuse(models.RefusedConflict, "slug_taken", "Another guide already has this address. Choose another.")
	r.Fields = models.FieldErrors{"slug": r.Reason}
	return r
}

// library is the image library, which WithImages must have set.
func (s *Service) library() (*models.Images, error) {
	if s.images == nil {
		return nil, errors.New("authoring: no image library (WithImages)")
	}
	return s.images, nil
}
