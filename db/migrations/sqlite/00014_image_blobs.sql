-- +goose Up
-- Uploaded image files kept in the database by content address (the
-- imagestore.Table store): what several instances sharing one PostgreSQL
-- use unless they are given a shared directory. A SQLite installation
-- keeps its files in images/ beside the database instead; the table is
-- here too so that both dialects' schemas stay the same and a
-- -images-store=database choice works on either.
CREATE TABLE image_blobs (
    key        TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE image_blobs;
