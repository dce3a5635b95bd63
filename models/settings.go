package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// SettingPrivateWebhookTargets is the admin setting that lets webhooks be
// delivered to loopback, private and link-local addresses. It is off by
// default, because a server that posts to any address a user names can
// be turned against the network it runs in (SSRF).
const SettingPrivateWebhookTargets = "webhooks.allow_private_targets"

// Settings stores the site settings admins change at run time.
type Settings struct {
	db  *db.DB
	now func() time.Time
}

// Bool returns the setting key as a boolean; a setting never set is false.
func (s *Settings) Bool(ctx context.Context, key string) (bool, error) {
	var v string
	err := s.db.Get(ctx, &v, `SELECT value FROM settings WHERE key = ?`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("setting %s: %w", key, err)
	}
	return v == "true", nil
}

// SetBool stores the setting key.
func (s *Settings) SetBool(ctx context.Context, key string, on bool) error {
	v := "false"
	if on {
		v = "true"
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, v, s.now())
	if err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}
