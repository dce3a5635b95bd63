-- +goose Up
-- Webhook subscriptions: a user's URL and the events it wants. The signing
-- secret is sealed under the app's secret key (bound to the row's id), so a
-- copy of the database cannot forge deliveries.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    secret     BLOB NOT NULL,
    events     TEXT NOT NULL, -- comma-separated event names
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_user_idx ON webhooks (user_id, id);

-- The outbox: one row per event and subscription, written in the same
-- transaction as the change it reports and drained by the delivery worker.
-- next_attempt_at is also the worker's lease on a claimed row.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL, -- the event's data as JSON
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    first_attempt_at TIMESTAMP,
    last_attempt_at  TIMESTAMP,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
-- The worker: due pending rows, and each subscription's oldest pending row
-- (head of line). The pages: a subscription's deliveries, newest first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, status, id);
CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, id);

-- Site settings an admin changes at run time, one row per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
