-- +goose Up
-- Checkpoint quizzes: questions on a step, and learners' attempts at them.

-- quiz_required: a step of this guide counts as complete only once its
-- quiz (if it has one) was passed. builtin_quizzes_loaded: the built-in
-- loader has given this guide's steps their quizzes (so questions an
-- author deleted are never added back).
ALTER TABLE guides ADD COLUMN quiz_required BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE guides ADD COLUMN builtin_quizzes_loaded BOOLEAN NOT NULL DEFAULT 0;

-- choices is a JSON array of {"text": ..., "correct": true|false}: the
-- choices belong to their question and are always read and written whole.
CREATE TABLE quiz_questions (
    id          INTEGER PRIMARY KEY,
    step_id     INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'truefalse')),
    prompt      TEXT NOT NULL,
    choices     TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX quiz_questions_step_idx ON quiz_questions (step_id, position);

-- One attempt is one submission of a step's quiz by one user.
CREATE TABLE quiz_attempts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id    INTEGER NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    passed     BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quiz_attempts_user_step_idx ON quiz_attempts (user_id, step_id, id);
CREATE INDEX quiz_attempts_step_idx ON quiz_attempts (step_id);

-- chosen is a JSON array of the zero-based choice indexes picked.
CREATE TABLE quiz_answers (
    attempt_id  INTEGER NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES quiz_questions (id) ON DELETE CASCADE,
    chosen      TEXT NOT NULL,
    correct     BOOLEAN NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);
CREATE INDEX quiz_answers_question_idx ON quiz_answers (question_id);

-- +goose Down
DROP TABLE quiz_answers;
DROP TABLE quiz_attempts;
DROP TABLE quiz_questions;
ALTER TABLE guides DROP COLUMN builtin_quizzes_loaded;
ALTER TABLE guides DROP COLUMN quiz_required;
