package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stepwise/db"
)

// Security events written to the audit log.
const (
	EventSignup             = "signup"
	EventSignupThrottled    = "signup.throttled"
	EventLoginSuccess       = "login.success"
	EventLoginFailure       = "login.failure"
	EventLoginThrottled     = "login.throttled"
	EventLogout             = "logout"
	EventPasswordChange     = "password.change"
	EventPasswordResetAsked = "password.reset_requested"
	EventPasswordReset      = "password.reset"
	EventEmailVerified      = "email.verified"
	EventEmailChangeAsked   = "email.change_requested"
	EventEmailChange        = "email.change"
	EventTwoFactorOn        = "2fa.enabled"
	EventTwoFactorOff       = "2fa.disabled"
	EventTwoFactorFailure   = "2fa.failure"
	EventRecoveryCodeUsed   = "2fa.recovery_code_used"
	EventRecoveryCodesNew   = "2fa.recovery_codes_regenerated"
	EventSessionRevoked     = "session.revoked"
	EventRoleChange         = "admin.role_change"
	EventLock               = "admin.lock"
	EventUnlock             = "admin.unlock"
	EventForceReset         = "admin.force_password_reset"
	EventDataExport         = "account.data_export"
	EventAccountDeleted     = "account.deleted"
	EventAPITokenCreated    = "api_token.created"
	EventAPITokenRevoked    = "api_token.revoked"

	// Webhooks: a subscription made or deleted, a site setting changed.
	EventWebhookCreated  = "webhook.created"
	EventWebhookDeleted  = "webhook.deleted"
	EventSettingsChanged = "admin.settings_change"

	// The command line: stepwise create-admin made or promoted an admin.
	EventAdminCreated  = "admin.created"
	EventAdminPromoted = "admin.promoted"
)

// AuditEvents lists every event, for the admin page's filter.
var AuditEvents = []string{
	EventSignup, EventSignupThrottled, EventLoginSuccess, EventLoginFailure, EventLoginThrottled, EventLogout,
	EventPasswordChange, EventPasswordResetAsked, EventPasswordReset, EventEmailVerified,
	EventEmailChangeAsked, EventEmailChange, EventTwoFactorOn, EventTwoFactorOff,
	EventTwoFactorFailure, EventRecoveryCodeUsed, EventRecoveryCodesNew, EventSessionRevoked, EventRoleChange,
	EventLock, EventUnlock, EventForceReset, EventDataExport, EventAccountDeleted,
	EventWebhookCreated, EventWebhookDeleted, EventSettingsChanged,
	EventAPITokenCreated, EventAPITokenRevoked, EventAdminCreated, EventAdminPromoted,
}

// AuditEntry is one security event as recorded. Detail is a short
// human-readable note and must never hold a secret. ActorEmail and
// TargetEmail are copies of the accounts' emails taken when Record wrote
// the event; nil when there was no account, or it was deleted before the
// log kept emails.
type AuditEntry struct {
	ID          int64     `db:"id" json:"id"`
	At          time.Time `db:"at" json:"at"`
	Event       string    `db:"event" json:"event"`
	ActorID     *int64    `db:"actor_id" json:"actor_id,omitempty"`
	TargetID    *int64    `db:"target_id" json:"target_id,omitempty"`
	IP          string    `db:"ip" json:"ip"`
	UserAgent   string    `db:"user_agent" json:"user_agent"`
	Detail      string    `db:"detail" json:"detail,omitempty"`
	ActorEmail  *string   `db:"actor_email" json:"-"`
	TargetEmail *string   `db:"target_email" json:"-"`
}

// Audit is the security event log.
type Audit struct {
	db *db.DB
	// observe, when set (OnRecord), is told the event of each row written.
	observe func(event string)
}

// OnRecord has f told the event of every row Record writes, after the
// write: the metrics count security events this way. Set it before the
// app serves.
func (a *Audit) OnRecord(f func(event string)) { a.observe = f }

// emailOf is the email an account id has now, or, for an account already
// deleted (an account's deletion is recorded after it), the last one the
// log saw it with. Ids are never reused, so the log's copy is that
// account's. Its one parameter is the id, given three times.
const emailOf = `coalesce(
	(SELECT email FROM users WHERE id = ?),
	(SELECT email FROM (
		SELECT id, actor_email AS email FROM audit_log WHERE actor_id = ? AND actor_email IS NOT NULL
		UNION ALL
		SELECT id, target_email FROM audit_log WHERE target_id = ? AND target_email IS NOT NULL
	) AS known ORDER BY id DESC LIMIT 1))`

// Record writes an event with a snapshot of the actor's and the target's
// emails. Zero actor or target ids are stored as NULL.
func (a *Audit) Record(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	_, err := a.db.Exec(ctx, `
		INSERT INTO audit_log (at, event, actor_id, target_id, ip, user_agent, detail, actor_email, target_email)
		VALUES (?, ?, ?, ?, ?, ?, ?, `+emailOf+`, `+emailOf+`)`,
		e.At, e.Event, e.ActorID, e.TargetID, e.IP, truncate(e.UserAgent, 300), truncate(e.Detail, 500),
		e.ActorID, e.ActorID, e.ActorID, e.TargetID, e.TargetID, e.TargetID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Event, err)
	}
	if a.observe != nil {
		a.observe(e.Event)
	}
	return nil
}

// ID returns a pointer to id, or nil for zero (no user).
func ID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	Event  string
	UserID int64 // as actor or target
	From   time.Time
	To     time.Time // exclusive
	// Before is a cursor: only entries with a smaller id.
	Before int64
	Limit  int
}

// List returns matching entries, newest first, and whether there are more.
// The filter is built from fixed fragments; values are always parameters.
func (a *Audit) List(ctx context.Context, f AuditFilter) ([]AuditEntry, bool, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	var args []any
	if f.Event != "" {
		where = append(where, "l.event = ?")
		args = append(args, f.Event)
	}
	if f.UserID != 0 {
		where = append(where, "(l.actor_id = ? OR l.target_id = ?)")
		args = append(args, f.UserID, f.UserID)
	}
	if !f.From.IsZero() {
		where = append(where, "l.at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "l.at < ?")
		args = append(args, f.To.UTC())
	}
	if f.Before > 0 {
		where = append(where, "l.id < ?")
		args = append(args, f.Before)
	}
	// The emails are the snapshots taken when each event was recorded, not
	// the accounts' current ones.
	q := `SELECT l.id, l.at, l.event, l.actor_id, l.target_id, l.ip, l.user_agent, l.detail,
	             l.actor_email, l.target_email
	      FROM audit_log l`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY l.id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	var out []AuditEntry
	if err := a.db.Select(ctx, &out, q, args...); err != nil {
		return nil, false, fmt.Errorf("list audit: %w", err)
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}
