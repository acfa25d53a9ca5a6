-- +goose Up
-- One row per notification and channel: the outbox the delivery worker
-- sends from. Written in the same transaction as the notification, so a
-- committed change is always delivered and a rolled-back one never is.
CREATE TABLE notification_deliveries (
    id               UUID PRIMARY KEY,
    notification_id  UUID NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    account_id       UUID NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    locked_until     TIMESTAMPTZ NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    sent_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_notification ON notification_deliveries (notification_id);
CREATE INDEX notifications_account_unread ON notifications (account_id, read_at);

-- When a reminder went out, so that each is sent once however many
-- instances run the scheduler.
ALTER TABLE health_appointments ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE parking_permits ADD COLUMN reminded_at TIMESTAMPTZ;

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'home.overview', 'read'),
    ('p', 'citizen', '*', 'home.notifications', 'manage'),
    ('p', 'citizen', '*', 'home.access_log', 'read');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 IN ('home.overview', 'home.notifications', 'home.access_log');
ALTER TABLE parking_permits DROP COLUMN reminded_at;
ALTER TABLE health_appointments DROP COLUMN reminded_at;
DROP INDEX notifications_account_unread;
DROP TABLE notification_deliveries;
