-- +goose Up
-- Private notes: one per user and step, never shown to anyone else.
CREATE TABLE notes (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id    INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    guide_id   INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, step_id)
);
CREATE INDEX notes_user_guide_idx ON notes (user_id, guide_id);
CREATE INDEX notes_step_idx ON notes (step_id);
CREATE INDEX notes_guide_idx ON notes (guide_id);

-- Certificates of completion. The name and the guide's title are copied
-- at issue time, so the certificate reads the same forever; the code is
-- the public, unguessable part of its verification URL. A guide deleted
-- later leaves its certificates (guide_id cleared); an account deleted
-- takes its certificates with it.
CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    guide_id    INTEGER REFERENCES guides (id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    guide_title TEXT NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    UNIQUE (user_id, guide_id)
);
CREATE INDEX certificates_guide_idx ON certificates (guide_id);

-- Learners who finished a guide before certificates existed get theirs.
INSERT INTO certificates (code, user_id, guide_id, name, guide_title, issued_at)
SELECT lower(hex(randomblob(16))), u.id, g.id, u.display_name, g.title, a.last
FROM (SELECT user_id, guide_id, count(*) AS done, max(completed_at) AS last
      FROM progress GROUP BY user_id, guide_id) a
JOIN users u ON u.id = a.user_id
JOIN guides g ON g.id = a.guide_id
WHERE a.done = (SELECT count(*) FROM steps s WHERE s.guide_id = a.guide_id) AND a.done > 0;

-- +goose Down
DROP TABLE certificates;
DROP TABLE notes;
