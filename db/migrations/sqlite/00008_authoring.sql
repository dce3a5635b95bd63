-- +goose Up
-- Authoring in the browser: optimistic concurrency (a save carries the
-- version it started from), the slugs a draft guide had before (they
-- redirect), and the revisions of published steps.
ALTER TABLE guides ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE steps ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE guide_slugs (
    old_slug   TEXT PRIMARY KEY,
    guide_id   INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX guide_slugs_guide_idx ON guide_slugs (guide_id);

CREATE TABLE step_revisions (
    id         INTEGER PRIMARY KEY,
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
CREATE INDEX step_revisions_step_idx ON step_revisions (step_id, id);

-- +goose Down
DROP TABLE step_revisions;
DROP TABLE guide_slugs;
ALTER TABLE steps DROP COLUMN version;
ALTER TABLE guides DROP COLUMN version;
