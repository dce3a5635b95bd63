-- +goose Up
-- Tags: a guide has a few short lowercase tags ("go", "sql") the catalogue
-- filters by. tags lists every tag once; guide_tags links guides to them.
CREATE TABLE tags (
    name TEXT PRIMARY KEY
);
CREATE TABLE guide_tags (
    guide_id BIGINT NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL REFERENCES tags (name) ON DELETE CASCADE,
    PRIMARY KEY (guide_id, tag)
);
CREATE INDEX guide_tags_tag_idx ON guide_tags (tag, guide_id);

-- The catalogue's filters and sorts.
CREATE INDEX guides_difficulty_idx ON guides (difficulty, published_at);

-- guide_stats.learners counts the distinct users with progress in a guide
-- ("most followed"). Triggers on progress keep it exact, so sorting by it
-- never counts progress rows at request time.
CREATE TABLE guide_stats (
    guide_id BIGINT PRIMARY KEY REFERENCES guides (id) ON DELETE CASCADE,
    learners BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX guide_stats_learners_idx ON guide_stats (learners);
INSERT INTO guide_stats (guide_id, learners)
SELECT guide_id, count(DISTINCT user_id) FROM progress GROUP BY guide_id;

-- SQLite runs its row triggers as each row is written, so a statement that
-- writes several progress rows of one learner and guide counts that learner
-- once. PostgreSQL runs AFTER row triggers only once the whole statement is
-- done, when every row of it is visible to each of them; the counters are
-- therefore kept by statement triggers over the rows the statement wrote
-- (transition tables), which count each learner once per guide too.

-- A learner is new to a guide when none of their progress rows in it is
-- older than this statement. progress's key is (user_id, step_id), so a row
-- is this statement's exactly when its key is among the inserted rows.
-- +goose StatementBegin
CREATE FUNCTION progress_learner_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO guide_stats AS gs (guide_id, learners)
    SELECT n.guide_id, count(DISTINCT n.user_id)
    FROM progress_added n
    WHERE NOT EXISTS (SELECT 1 FROM progress p
                      WHERE p.user_id = n.user_id AND p.guide_id = n.guide_id
                        AND NOT EXISTS (SELECT 1 FROM progress_added m
                                        WHERE m.user_id = p.user_id AND m.step_id = p.step_id))
    GROUP BY n.guide_id
    ON CONFLICT (guide_id) DO UPDATE SET learners = gs.learners + excluded.learners;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_learner_added AFTER INSERT ON progress
REFERENCING NEW TABLE AS progress_added
FOR EACH STATEMENT EXECUTE FUNCTION progress_learner_added();

-- A learner has left a guide when no progress row of theirs in it remains.
-- +goose StatementBegin
CREATE FUNCTION progress_learner_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE guide_stats AS gs SET learners = greatest(gs.learners - gone.n, 0)
    FROM (SELECT o.guide_id, count(DISTINCT o.user_id) AS n
          FROM progress_removed o
          WHERE NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = o.user_id AND p.guide_id = o.guide_id)
          GROUP BY o.guide_id) gone
    WHERE gs.guide_id = gone.guide_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_learner_removed AFTER DELETE ON progress
REFERENCING OLD TABLE AS progress_removed
FOR EACH STATEMENT EXECUTE FUNCTION progress_learner_removed();

-- Full-text search over guides (title, summary) and steps (title, body).
-- SQLite keeps an FTS5 table with its own copy of the text and triggers to
-- maintain it; here each of the two tables carries its own tsvector, a
-- generated column the database recomputes on every insert and update
-- (drafts too: they are filtered out at query time), with a GIN index.
-- The title weighs more (A) than the body (B). The step body is indexed
-- from its Markdown source, never from the rendered HTML.
ALTER TABLE guides ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, summary), 'B')
) STORED;
CREATE INDEX guides_search_idx ON guides USING gin (search);

ALTER TABLE steps ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A') ||
    setweight(to_tsvector('english'::regconfig, body_md), 'B')
) STORED;
CREATE INDEX steps_search_idx ON steps USING gin (search);

-- +goose Down
DROP INDEX steps_search_idx;
ALTER TABLE steps DROP COLUMN search;
DROP INDEX guides_search_idx;
ALTER TABLE guides DROP COLUMN search;
DROP TRIGGER progress_learner_removed ON progress;
DROP FUNCTION progress_learner_removed();
DROP TRIGGER progress_learner_added ON progress;
DROP FUNCTION progress_learner_added();
DROP TABLE guide_stats;
DROP INDEX guides_difficulty_idx;
DROP TABLE guide_tags;
DROP TABLE tags;
