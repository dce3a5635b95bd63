-- +goose Up
-- Accounts: verification, locking, forced reset, two-factor.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
ALTER TABLE users ADD COLUMN locked_at TIMESTAMP;
ALTER TABLE users ADD COLUMN must_reset_password BOOLEAN NOT NULL DEFAULT FALSE;
-- The TOTP secret sealed with AES-GCM under the configured secret key.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMP;
CREATE INDEX users_role_idx ON users (role);

-- One row per signed-in browser. The session data holds only this id, so
-- a user can list their sessions and end any of them.
CREATE TABLE user_sessions (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, last_seen_at);

-- Single-use tokens mailed to users; only their SHA-256 is stored.
CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    email      TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Two-factor recovery codes, hashed, each usable once.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TIMESTAMP
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

-- Security events. No foreign keys: the log outlives deleted accounts.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    event      TEXT NOT NULL,
    actor_id   INTEGER,
    target_id  INTEGER,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_event_idx ON audit_log (event, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, at);

-- Brute-force throttling, shared by every instance through the database.
-- key is e.g. "login:email:ada@example.com" or "login:ip:192.0.2.1".
CREATE TABLE throttle (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    window_start    TIMESTAMP NOT NULL,
    next_allowed_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE throttle;
DROP TABLE audit_log;
DROP TABLE recovery_codes;
DROP TABLE account_tokens;
DROP TABLE user_sessions;
DROP INDEX users_role_idx;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN must_reset_password;
ALTER TABLE users DROP COLUMN locked_at;
ALTER TABLE users DROP COLUMN email_verified_at;
