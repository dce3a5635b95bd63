-- +goose Up
-- Nothing to do on PostgreSQL. On SQLite this migration rebuilds fourteen
-- tables to give their ids AUTOINCREMENT, so a deleted row's id is never
-- handed out again, and moves each table's sequence past the ids the audit
-- log still names. Here every such id has been an identity column since it
-- was created: its sequence only ever moves forward and never hands an id
-- out twice, deleted rows or not. The rebuild changes no column, key,
-- constraint or index, so there is nothing else to mirror. The number is
-- kept so both dialects share one version history.
SELECT 1;

-- +goose Down
-- Nothing to undo.
SELECT 1;
