-- +goose Up
-- The TOTP time step of the last code accepted for each user, so a code
-- (seen over a shoulder, or replayed) signs in at most once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
