-- +goose Up
-- Images uploaded to a guide. The file itself lives in an ImageStore under
-- its content address (sha256 + extension); one row per guide that uses it,
-- so the same picture in two guides is stored once.
CREATE TABLE images (
    id           INTEGER PRIMARY KEY,
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
CREATE INDEX images_sha256_idx ON images (sha256);

-- +goose Down
DROP TABLE images;
