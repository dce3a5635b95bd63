-- +goose Up
-- Co-authors: besides guides.author_id, these users may edit the guide.
CREATE TABLE guide_authors (
    guide_id BIGINT NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guide_id, user_id)
);
CREATE INDEX guide_authors_user_idx ON guide_authors (user_id);

-- +goose Down
DROP TABLE guide_authors;
