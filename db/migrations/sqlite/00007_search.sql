-- +goose Up
-- Tags: a guide has a few short lowercase tags ("go", "sql") the catalogue
-- filters by. tags lists every tag once; guide_tags links guides to them.
CREATE TABLE tags (
    name TEXT PRIMARY KEY
);
CREATE TABLE guide_tags (
    guide_id INTEGER NOT NULL REFERENCES guides (id) ON DELETE CASCADE,
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
    guide_id INTEGER PRIMARY KEY REFERENCES guides (id) ON DELETE CASCADE,
    learners INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX guide_stats_learners_idx ON guide_stats (learners);
INSERT INTO guide_stats (guide_id, learners)
SELECT guide_id, count(DISTINCT user_id) FROM progress GROUP BY guide_id;

-- +goose StatementBegin
CREATE TRIGGER progress_learner_added AFTER INSERT ON progress
WHEN NOT EXISTS (SELECT 1 FROM progress p
                 WHERE p.user_id = NEW.user_id AND p.guide_id = NEW.guide_id AND p.step_id <> NEW.step_id)
BEGIN
    INSERT INTO guide_stats (guide_id, learners) VALUES (NEW.guide_id, 1)
    ON CONFLICT (guide_id) DO UPDATE SET learners = learners + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER progress_learner_removed AFTER DELETE ON progress
WHEN NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = OLD.user_id AND p.guide_id = OLD.guide_id)
BEGIN
    UPDATE guide_stats SET learners = max(learners - 1, 0) WHERE guide_id = OLD.guide_id;
END;
-- +goose StatementEnd

-- Full-text search over guides (title, summary) and steps (title, body).
-- This is FTS5, which the SQLite driver compiles in only with the build
-- tag sqlite_fts5 (the Makefile passes it; db.Open refuses to run without
-- it). models.Searcher hides the engine (see models/search.go). One row per
-- guide (rowid = -guide id) and per step (rowid = step id) in an FTS5 table
-- that keeps its own copy of the text (guides and steps are two tables, so
-- it cannot be an external-content table over either). The step body is
-- indexed from its Markdown source, never from the rendered HTML.
-- Triggers keep the index in step with every insert, update and delete,
-- whoever makes them; drafts are indexed too and filtered out at query
-- time, so publishing needs no reindexing.
CREATE VIRTUAL TABLE search_index USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO search_index (rowid, title, body) SELECT -id, title, summary FROM guides;
INSERT INTO search_index (rowid, title, body) SELECT id, title, body_md FROM steps;

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

-- +goose Down
DROP TRIGGER steps_search_delete;
DROP TRIGGER steps_search_update;
DROP TRIGGER steps_search_insert;
DROP TRIGGER guides_search_delete;
DROP TRIGGER guides_search_update;
DROP TRIGGER guides_search_insert;
DROP TABLE search_index;
DROP TRIGGER progress_learner_removed;
DROP TRIGGER progress_learner_added;
DROP TABLE guide_stats;
DROP INDEX guides_difficulty_idx;
DROP TABLE guide_tags;
DROP TABLE tags;
