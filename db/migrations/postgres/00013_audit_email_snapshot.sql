-- +goose Up
-- The audit log keeps the actor's and the target's email as they were when
-- the event was recorded, so an event still names its account after the
-- account changed its address or was deleted; the page and exports read
-- these columns, never the live users row. NULL: no account, or one
-- deleted before this column existed.
ALTER TABLE audit_log ADD COLUMN actor_email TEXT;
ALTER TABLE audit_log ADD COLUMN target_email TEXT;

-- On SQLite, before 00012 a deleted account's id could be given to the next
-- account, which then inherited the old events; an event older than the
-- account that now holds its id is cleared there. Identity ids are never
-- reused, so here these two statements normally find nothing; they stay
-- so both dialects run the same steps.
UPDATE audit_log SET actor_id = NULL
WHERE at < (SELECT u.created_at FROM users u WHERE u.id = audit_log.actor_id);
UPDATE audit_log SET target_id = NULL
WHERE at < (SELECT u.created_at FROM users u WHERE u.id = audit_log.target_id);

-- The best snapshot there is for older events: the account's email today.
UPDATE audit_log SET actor_email = (SELECT u.email FROM users u WHERE u.id = audit_log.actor_id)
WHERE actor_id IS NOT NULL;
UPDATE audit_log SET target_email = (SELECT u.email FROM users u WHERE u.id = audit_log.target_id)
WHERE target_id IS NOT NULL;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN target_email;
ALTER TABLE audit_log DROP COLUMN actor_email;
