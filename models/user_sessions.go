package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Session timeouts. The idle timeout signs out a browser left alone; the
// absolute timeout bounds any session however active.
const (
	SessionIdleTimeout     = 7 * 24 * time.Hour
	SessionAbsoluteTimeout = 30 * 24 * time.Hour
	// sessionTouchEvery limits last-seen writes to one per session per
	// interval, so page views stay reads.
	sessionTouchEvery = time.Minute
)

// ErrSessionNotTouched marks Current's error when only the last-seen
// write failed (a full disk): Current then returns the session's user as
// well, so a caller may still serve a read.
var ErrSessionNotTouched = errors.New("session last-seen time not recorded")

// UserSession is one signed-in browser.
type UserSession struct {
	ID         string    `db:"id" json:"-"`
	UserID     int64     `db:"user_id" json:"-"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at" json:"last_seen_at"`
	IP         string    `db:"ip" json:"ip"`
	UserAgent  string    `db:"user_agent" json:"user_agent"`
}

// Expired reports whether the session passed its idle or absolute timeout.
func (s UserSession) Expired(at time.Time) bool {
	return at.Sub(s.LastSeenAt) > SessionIdleTimeout || at.Sub(s.CreatedAt) > SessionAbsoluteTimeout
}

// UserSessions stores the signed-in browsers of each user.
type UserSessions struct {
	db  *db.DB
	now func() time.Time
}

func newSessionID() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Create records a new signed-in browser and returns its id.
func (s *UserSessions) Create(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	id := newSessionID()
	t := s.now()
	_, err := s.db.Exec(ctx, `
		INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?)`, id, userID, t, t, truncate(ip, 64), truncate(userAgent, 300))
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return id, nil
}

// sessionUser is the row Current reads: the session and its user at once.
type sessionUser struct {
	User
	SessionCreatedAt  time.Time `db:"s_created_at"`
	SessionLastSeenAt time.Time `db:"s_last_seen_at"`
	SessionIP         string    `db:"s_ip"`
	SessionUserAgent  string    `db:"s_user_agent"`
}

// Current returns the user of session id in one query, touching its
// last-seen time at most once a minute. An unknown, expired or locked
// session is ErrNotFound (an expired one is deleted). When only the touch
// fails, the error wraps ErrSessionNotTouched and the user is returned too.
func (s *UserSessions) Current(ctx context.Context, id, ip string) (User, error) {
	var row sessionUser
	err := s.db.Get(ctx, &row, `
		SELECT u.id, u.email, u.display_name, u.password_hash, u.role, u.email_verified_at, u.locked_at,
		       u.must_reset_password, u.totp_secret, u.totp_enabled_at, u.created_at, u.updated_at,
		       s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, s.ip AS s_ip, s.user_agent AS s_user_agent
		FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("current session: %w", err)
	}
	t := s.now()
	us := UserSession{CreatedAt: row.SessionCreatedAt, LastSeenAt: row.SessionLastSeenAt}
	if us.Expired(t) || row.User.Locked() {
		if _, err := s.Delete(ctx, row.User.ID, id); err != nil {
			return User{}, err
		}
		return User{}, ErrNotFound
	}
	if t.Sub(row.SessionLastSeenAt) > sessionTouchEvery || (ip != "" && ip != row.SessionIP) {
		if _, err := s.db.Exec(ctx, `UPDATE user_sessions SET last_seen_at = ?, ip = ? WHERE id = ?`, t, truncate(ip, 64), id); err != nil {
			return row.User, fmt.Errorf("touch session: %w: %w", ErrSessionNotTouched, err)
		}
	}
	return row.User, nil
}

// List returns the user's sessions, most recently seen first.
func (s *UserSessions) List(ctx context.Context, userID int64) ([]UserSession, error) {
	var out []UserSession
	err := s.db.Select(ctx, &out, `
		SELECT id, user_id, created_at, last_seen_at, ip, user_agent
		FROM user_sessions WHERE user_id = ? ORDER BY last_seen_at DESC LIMIT 100`, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// Delete ends one of the user's sessions and returns how many it ended
// (0 or 1); the user id makes sure nobody ends another user's session by
// guessing an id. Ending a session that is already gone is not an error,
// but the count lets the caller avoid auditing a revocation that did
// nothing.
func (s *UserSessions) Delete(ctx context.Context, userID int64, id string) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM user_sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return 0, fmt.Errorf("delete session: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete session: %w", err)
	}
	return n, nil
}

// DeleteOthers ends every session of the user except keep ("" ends all),
// and returns how many it ended.
func (s *UserSessions) DeleteOthers(ctx context.Context, userID int64, keep string) (int64, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM user_sessions WHERE user_id = ? AND id <> ?`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
