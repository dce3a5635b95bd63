-- +goose NO TRANSACTION
-- +goose Up
-- Ids that leave the database (in URLs, exports, the audit log, webhook
-- payloads and the Stepwise-Delivery header) must never name two things.
-- A plain INTEGER PRIMARY KEY hands out max(id) + 1, so deleting the newest
-- row gave its id to the next one: a new account inherited a deleted one's
-- audit trail, and two events reached a receiver with the same delivery id.
-- AUTOINCREMENT never hands out an id again (sqlite_sequence keeps the
-- largest ever used).
--
-- SQLite cannot add AUTOINCREMENT to a column, so each table is rebuilt the
-- way https://www.sqlite.org/lang_altertable.html#otheralter describes:
-- foreign keys off (outside the transaction, or the pragma is ignored), so
-- dropping a parent neither cascades to its children nor fails; in one
-- transaction create the new table, copy every row with its id, drop the
-- old one (its indexes and triggers go with it), rename, recreate indexes
-- and triggers exactly as before, and check the foreign keys; then foreign
-- keys back on, as the DSN opened the connection. goose runs this file on
-- one connection, so the pragmas hold for all of it.
--
-- guide_stats keeps its plain key: guide_id is a guide's id, always given,
-- never chosen by SQLite.
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE users_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL DEFAULT 'learner',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    email_verified_at   TIMESTAMP,
    locked_at           TIMESTAMP,
    must_reset_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret         BLOB,
    totp_enabled_at     TIMESTAMP,
    totp_last_step      INTEGER
);
INSERT INTO users_new (id, email, display_name, password_hash, role, created_at, updated_at, email_verified_at,
                       locked_at, must_reset_password, totp_secret, totp_enabled_at, totp_last_step)
SELECT id, email, display_name, password_hash, role, created_at, updated_at, email_verified_at,
       locked_at, must_reset_password, totp_secret, totp_enabled_at, totp_last_step
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE guides_new (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                   TEXT NOT NULL UNIQUE,
    title                  TEXT NOT NULL,
    summary                TEXT NOT NULL DEFAULT '',
    difficulty             TEXT NOT NULL DEFAULT 'beginner',
    minutes                INTEGER NOT NULL DEFAULT 0,
    intro_md               TEXT NOT NULL DEFAULT '',
    intro_html             TEXT NOT NULL DEFAULT '',
    author_id              INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at           TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    quiz_required          BOOLEAN NOT NULL DEFAULT 0,
    builtin_quizzes_loaded BOOLEAN NOT NULL DEFAULT 0,
    version                INTEGER NOT NULL DEFAULT 1
);
INSERT INTO guides_new (id, slug, title, summary, difficulty, minutes, intro_md, intro_html, author_id, published_at,
                        created_at, updated_at, quiz_required, builtin_quizzes_loaded, version)
SELECT id, slug, title, summary, difficulty, minutes, intro_md, intro_html, author_id, published_at,
       created_at, updated_at, quiz_required, builtin_quizzes_loaded, version
FROM guides;
DROP TABLE guides;
ALTER TABLE guides_new RENAME TO guides;
CREATE INDEX guides_published_idx ON guides (published_at);
CREATE INDEX guides_author_idx ON guides (author_id);
CREATE INDEX guides_difficulty_idx ON guides (difficulty, published_at);
-- The search index keeps its rows (rowid = -guide id); only the triggers
-- that maintain it went with the old table.
-- +goose StatementBegin
CREATE TRIGGER guides_search_insert AFTER INSERT ON guides BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (-NEW.id, NEW.title, NEW.summary);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER guides_search_update AFTER UPDATE OF title, summary ON guides BEGIN
    DELETE FROM search_index WHERE rowid = -OLD.id;
    INSERT INTO search_index (rowid, title, body) VALUES (-NEW.id, NEW.title, NEW.summary);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER guides_search_delete AFTER DELETE ON guides BEGIN
    DELETE FROM search_index WHERE rowid = -OLD.id;
END;
-- +goose StatementEnd

CREATE TABLE steps_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guide_id   INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (guide_id, position)
);
INSERT INTO steps_new (id, guide_id, position, title, body_md, body_html, created_at, updated_at, version)
SELECT id, guide_id, position, title, body_md, body_html, created_at, updated_at, version
FROM steps;
DROP TABLE steps;
ALTER TABLE steps_new RENAME TO steps;
-- +goose StatementBegin
CREATE TRIGGER steps_search_insert AFTER INSERT ON steps BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body_md);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER steps_search_update AFTER UPDATE OF title, body_md ON steps BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id;
    INSERT INTO search_index (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body_md);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER steps_search_delete AFTER DELETE ON steps BEGIN
    DELETE FROM search_index WHERE rowid = OLD.id;
END;
-- +goose StatementEnd

CREATE TABLE account_tokens_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    email      TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO account_tokens_new (id, user_id, purpose, token_hash, email, expires_at, used_at, created_at)
SELECT id, user_id, purpose, token_hash, email, expires_at, used_at, created_at
FROM account_tokens;
DROP TABLE account_tokens;
ALTER TABLE account_tokens_new RENAME TO account_tokens;
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

CREATE TABLE recovery_codes_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TIMESTAMP
);
INSERT INTO recovery_codes_new (id, user_id, code_hash, used_at)
SELECT id, user_id, code_hash, used_at
FROM recovery_codes;
DROP TABLE recovery_codes;
ALTER TABLE recovery_codes_new RENAME TO recovery_codes;
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

CREATE TABLE audit_log_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TIMESTAMP NOT NULL,
    event      TEXT NOT NULL,
    actor_id   INTEGER,
    target_id  INTEGER,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_log_new (id, at, event, actor_id, target_id, ip, user_agent, detail)
SELECT id, at, event, actor_id, target_id, ip, user_agent, detail
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_event_idx ON audit_log (event, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, at);

CREATE TABLE quiz_questions_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    step_id     INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'truefalse')),
    prompt      TEXT NOT NULL,
    choices     TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
INSERT INTO quiz_questions_new (id, step_id, position, kind, prompt, choices, explanation, created_at, updated_at)
SELECT id, step_id, position, kind, prompt, choices, explanation, created_at, updated_at
FROM quiz_questions;
DROP TABLE quiz_questions;
ALTER TABLE quiz_questions_new RENAME TO quiz_questions;
CREATE INDEX quiz_questions_step_idx ON quiz_questions (step_id, position);

CREATE TABLE quiz_attempts_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id    INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    passed     BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO quiz_attempts_new (id, user_id, step_id, passed, created_at)
SELECT id, user_id, step_id, passed, created_at
FROM quiz_attempts;
DROP TABLE quiz_attempts;
ALTER TABLE quiz_attempts_new RENAME TO quiz_attempts;
CREATE INDEX quiz_attempts_user_step_idx ON quiz_attempts (user_id, step_id, id);
CREATE INDEX quiz_attempts_step_idx ON quiz_attempts (step_id);

CREATE TABLE certificates_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guide_id    INTEGER REFERENCES guides (id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    guide_title TEXT NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    UNIQUE (user_id, guide_id)
);
INSERT INTO certificates_new (id, code, user_id, guide_id, name, guide_title, issued_at)
SELECT id, code, user_id, guide_id, name, guide_title, issued_at
FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
CREATE INDEX certificates_guide_idx ON certificates (guide_id);

CREATE TABLE step_revisions_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    step_id    INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- autosave: kept by a background save; the same author's next
    -- autosaves within a few minutes update it instead of adding rows.
    autosave   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO step_revisions_new (id, step_id, version, title, body_md, author_id, autosave, created_at)
SELECT id, step_id, version, title, body_md, author_id, autosave, created_at
FROM step_revisions;
DROP TABLE step_revisions;
ALTER TABLE step_revisions_new RENAME TO step_revisions;
CREATE INDEX step_revisions_step_idx ON step_revisions (step_id, id);

CREATE TABLE images_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guide_id     INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    ext          TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (guide_id, sha256)
);
INSERT INTO images_new (id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at)
SELECT id, guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at
FROM images;
DROP TABLE images;
ALTER TABLE images_new RENAME TO images;
CREATE INDEX images_sha256_idx ON images (sha256);

CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
INSERT INTO api_tokens_new (id, user_id, name, token_hash, prefix, scopes, expires_at, last_used_at, created_at, revoked_at)
SELECT id, user_id, name, token_hash, prefix, scopes, expires_at, last_used_at, created_at, revoked_at
FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);

CREATE TABLE webhooks_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    secret     BLOB NOT NULL,
    events     TEXT NOT NULL, -- comma-separated event names
    created_at TIMESTAMP NOT NULL
);
INSERT INTO webhooks_new (id, user_id, url, secret, events, created_at)
SELECT id, user_id, url, secret, events, created_at
FROM webhooks;
DROP TABLE webhooks;
ALTER TABLE webhooks_new RENAME TO webhooks;
CREATE INDEX webhooks_user_idx ON webhooks (user_id, id);

CREATE TABLE webhook_deliveries_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL, -- the event's data as JSON
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    first_attempt_at TIMESTAMP,
    last_attempt_at  TIMESTAMP,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
INSERT INTO webhook_deliveries_new (id, webhook_id, event, payload, status, attempts, next_attempt_at, first_attempt_at,
                                    last_attempt_at, last_status_code, last_error, created_at, delivered_at)
SELECT id, webhook_id, event, payload, status, attempts, next_attempt_at, first_attempt_at,
       last_attempt_at, last_status_code, last_error, created_at, delivered_at
FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, status, id);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, id);

-- Copying the rows set each table's sequence to its largest id. Ids of rows
-- deleted before today above that are unknown, except where the audit log
-- still names them: accounts (actor and target), webhooks and API tokens
-- (by id in the detail). Start past those too, so a new account never
-- takes the id a deleted account's events carry.
INSERT INTO sqlite_sequence (name, seq)
SELECT t.name, 0 FROM (SELECT 'users' AS name UNION ALL SELECT 'webhooks' UNION ALL SELECT 'api_tokens') t
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name);
UPDATE sqlite_sequence SET seq = max(seq,
    coalesce((SELECT max(actor_id) FROM audit_log), 0),
    coalesce((SELECT max(target_id) FROM audit_log), 0))
WHERE name = 'users';
UPDATE sqlite_sequence SET seq = max(seq, coalesce((
    SELECT max(CAST(substr(detail, length('webhook ') + 1) AS INTEGER)) FROM audit_log
    WHERE event IN ('webhook.created', 'webhook.deleted') AND detail LIKE 'webhook %'), 0))
WHERE name = 'webhooks';
UPDATE sqlite_sequence SET seq = max(seq, coalesce((
    SELECT max(CAST(substr(detail, length('token ') + 1) AS INTEGER)) FROM audit_log
    WHERE event IN ('api_token.created', 'api_token.revoked') AND detail LIKE 'token %'), 0))
WHERE name = 'api_tokens';

-- Fails the migration (a CHECK violation) if any row now points nowhere.
CREATE TEMP TABLE migration_fk_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO migration_fk_check SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE migration_fk_check;

COMMIT;

PRAGMA foreign_keys = ON;

-- +goose Down
-- Nothing to undo: AUTOINCREMENT changes no column, and the code before
-- this migration runs unchanged on these tables. Rebuilding them back
-- would let ids be reused again.
