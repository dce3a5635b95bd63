-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'learner',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE guides (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    difficulty   TEXT NOT NULL DEFAULT 'beginner',
    minutes      INTEGER NOT NULL DEFAULT 0,
    intro_md     TEXT NOT NULL DEFAULT '',
    intro_html   TEXT NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX guides_published_idx ON guides (published_at);
CREATE INDEX guides_author_idx ON guides (author_id);

CREATE TABLE steps (
    id         INTEGER PRIMARY KEY,
    guide_id   INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (guide_id, position)
);

-- One row per user and completed step: the primary key makes a double click
-- or a concurrent request unable to create a second row.
CREATE TABLE progress (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id      INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    guide_id     INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    completed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, step_id)
);
CREATE INDEX progress_user_guide_idx ON progress (user_id, guide_id, completed_at);
CREATE INDEX progress_step_idx ON progress (step_id);
CREATE INDEX progress_guide_idx ON progress (guide_id);

-- The table scs's official SQLite store expects.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE progress;
DROP TABLE steps;
DROP TABLE guides;
DROP TABLE users;
