// Package models holds Stepwise's domain types and the SQL that reads and
// writes them. Each query sits beside the method that runs it; placeholders
// are written as ? and rebound for the driver when prepared.
package models

import (
	"errors"
	"time"

	"stepwise/db"
)

// Sentinel errors that handlers map to HTTP statuses.
var (
	// ErrNotFound: the row does not exist (or the caller may not see it).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique value (such as an email) is already taken.
	ErrConflict = errors.New("conflict")
	// ErrInvalidCredentials: the email and password do not match an account.
	ErrInvalidCredentials = errors.New("invalid credentials")
)

// Models bundles every store over one database.
type Models struct {
	Users     *Users
	Guides    *Guides
	Steps     *Steps
	Progress  *Progress
	Sessions  *UserSessions
	Audit     *Audit
	Throttle  *Throttle
	TwoFactor *TwoFactor
	Tokens    *AccountTokens
	// Quizzes: checkpoint quizzes on steps and learners' attempts.
	Quizzes *Quizzes

	// Learning: private notes, "My learning" and certificates.
	Notes        *Notes
	Learning     *Learning
	Certificates *Certificates

	// Authoring: guides and steps as authors edit them.
	Authoring *Authoring

	// Search and tags: full-text search (behind the Searcher interface)
	// and the catalogue's tags.
	Search *Search
	Tags   *Tags

	// APITokens and APIRate: the JSON API's personal access tokens and
	// its per-token rate limit.
	APITokens *APITokens
	APIRate   *APIRate

	// Webhooks: subscriptions and their delivery queue, filled by the
	// stores below as events happen; Settings: the admin's run-time
	// settings (such as private webhook targets).
	Webhooks *Webhooks
	Settings *Settings
}

// New returns the stores over d, on the system clock.
func New(d *db.DB) *Models { return NewWithClock(d, now) }

// NewWithClock returns the stores over d, reading the time from clock
// (which must return UTC): the composition root passes its configured
// clock, so tests can move time without sleeping.
func NewWithClock(d *db.DB, clock func() time.Time) *Models {
	hooks := newWebhooks(d)
	audit := &Audit{db: d}
	m := &Models{
		Users:     &Users{db: d, hooks: hooks, audit: audit},
		Guides:    &Guides{db: d},
		Steps:     &Steps{db: d},
		Progress:  &Progress{db: d, now: clock, hooks: hooks},
		Sessions:  &UserSessions{db: d, now: clock},
		Audit:     audit,
		Throttle:  &Throttle{db: d, now: clock},
		TwoFactor: &TwoFactor{db: d},
		Tokens:    &AccountTokens{db: d, now: clock},
		Quizzes:   &Quizzes{db: d, now: clock},

		Notes:        &Notes{db: d, now: clock},
		Learning:     &Learning{db: d},
		Certificates: &Certificates{db: d, now: clock, hooks: hooks},

		Authoring: &Authoring{db: d, hooks: hooks},

		Search: &Search{db: d},
		Tags:   &Tags{db: d},

		APITokens: &APITokens{db: d, now: clock},
		APIRate:   &APIRate{db: d, now: clock},

		Webhooks: hooks,
		Settings: &Settings{db: d, now: clock},
	}
	return m
}

// now is the clock; times are stored in UTC so both SQL dialects agree.
func now() time.Time { return time.Now().UTC() }

// IsStorageFull reports whether err is a write that failed because the
// database's disk is full, so adapters can say so (503 with Retry-After)
// without knowing the database layer.
func IsStorageFull(err error) bool { return db.IsStorageFull(err) }
