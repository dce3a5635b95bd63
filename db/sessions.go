package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
)

// SessionStore returns scs's official store for the database's kind
// (SQLite or PostgreSQL) for commits, deletes and the clean-up of expired
// sessions (on the writer). Look-ups, which every signed-in page makes, go
// to the read pool through a prepared statement: the official store
// prepares its query on every call, which measured at almost a tenth of a
// page's CPU.
func (d *DB) SessionStore() *SessionStore {
	const cleanup = 5 * time.Minute
	if d.Dialect() == Postgres {
		return &SessionStore{db: d, writes: postgresstore.NewWithCleanupInterval(d.W.DB, cleanup),
			find: `SELECT data FROM sessions WHERE token = ? AND current_timestamp < expiry`}
	}
	return &SessionStore{db: d, writes: sqlite3store.NewWithCleanupInterval(d.W.DB, cleanup),
		find: `SELECT data FROM sessions WHERE token = ? AND julianday('now') < expiry`}
}

// SessionStore is an scs.Store split between the read pool and the writer.
type SessionStore struct {
	db     *DB
	writes sessionWrites
	// find is the official store's look-up, in the database's dialect.
	find string
}

// sessionWrites is what both official stores do on the writer.
type sessionWrites interface {
	Commit(token string, b []byte, expiry time.Time) error
	Delete(token string) error
	StopCleanup()
}

var _ scs.CtxStore = (*SessionStore)(nil)

// FindCtx returns the data of an unexpired session.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if strings.IndexByte(token, 0) >= 0 {
		// No token holds a NUL (scs makes them base64), and PostgreSQL
		// refuses to compare text with one: a forged cookie is no session.
		return nil, false, nil
	}
	var b []byte
	err := s.db.Get(ctx, &b, s.find, token)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit saves a session's data and expiry.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.writes.Commit(token, b, expiry)
}

// CommitCtx is Commit; the official store takes no context.
func (s *SessionStore) CommitCtx(_ context.Context, token string, b []byte, expiry time.Time) error {
	return s.Commit(token, b, expiry)
}

// Delete removes a session.
func (s *SessionStore) Delete(token string) error { return s.writes.Delete(token) }

// DeleteCtx is Delete; the official store takes no context.
func (s *SessionStore) DeleteCtx(_ context.Context, token string) error { return s.Delete(token) }

// Close stops the background clean-up of expired sessions.
func (s *SessionStore) Close() { s.writes.StopCleanup() }
