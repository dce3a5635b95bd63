package db

import (
	"time"

	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
)

// SessionStore returns scs's official SQLite store over this database:
// look-ups go to the read pool so signed-in page views never queue behind
// writes, and commits and deletes go to the single writer.
func (d *DB) SessionStore() *SessionStore {
	return &SessionStore{
		reads:  sqlite3store.NewWithCleanupInterval(d.R.DB, 0),
		writes: sqlite3store.NewWithCleanupInterval(d.W.DB, 5*time.Minute),
	}
}

// SessionStore is an scs.Store split between the read pool and the writer.
type SessionStore struct {
	reads, writes *sqlite3store.SQLite3Store
}

var _ scs.Store = (*SessionStore)(nil)

// Find returns the data of an unexpired session.
func (s *SessionStore) Find(token string) ([]byte, bool, error) { return s.reads.Find(token) }

// Commit saves a session's data and expiry.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.writes.Commit(token, b, expiry)
}

// Delete removes a session.
func (s *SessionStore) Delete(token string) error { return s.writes.Delete(token) }

// Close stops the background clean-up of expired sessions.
func (s *SessionStore) Close() { s.writes.StopCleanup() }
