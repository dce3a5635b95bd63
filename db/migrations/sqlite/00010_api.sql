-- +goose Up
-- Personal access tokens for the JSON API. Only the token's SHA-256 is
-- kept, so a copy of the database opens no accounts; the prefix (the
-- token's first characters) lets a user tell their tokens apart.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
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
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);

-- Requests per token per fixed window, for the API's rate limit. Old
-- windows are deleted as new ones start.
CREATE TABLE api_rate_windows (
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    window_start INTEGER NOT NULL,
    requests     INTEGER NOT NULL,
    PRIMARY KEY (token_id, window_start)
);

-- +goose Down
DROP TABLE api_rate_windows;
DROP TABLE api_tokens;
