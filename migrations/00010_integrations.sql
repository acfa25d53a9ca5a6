-- +goose Up
-- Third-party OAuth clients (RFC 6749 client credentials). The secret is
-- shown once and only its SHA-256 is kept. unit_id binds a client to the
-- facility, school or zone it serves, when its scopes need one.
CREATE TABLE oauth_clients (
    id               UUID PRIMARY KEY,
    name             TEXT NOT NULL,
    owner_contact    TEXT NOT NULL,
    secret_hash      TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    unit_id          TEXT NOT NULL DEFAULT '',
    rate_per_minute  INTEGER NOT NULL CHECK (rate_per_minute > 0),
    status           TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_clients_created ON oauth_clients (created_at, id);

-- Requests per client and minute, shared by every instance.
CREATE TABLE client_rate_windows (
    client_id     UUID NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (client_id, window_start)
);

-- A client's webhook subscriptions. The signing secret must be kept to
-- sign deliveries; it is shown to the client once.
CREATE TABLE webhook_subscriptions (
    id          UUID PRIMARY KEY,
    client_id   UUID NOT NULL REFERENCES oauth_clients (id),
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_subscriptions_client ON webhook_subscriptions (client_id, created_at, id);

-- One row per event and subscription: the outbox of webhook deliveries,
-- written in the same transaction as the change the event reports.
CREATE TABLE webhook_deliveries (
    id               UUID PRIMARY KEY,
    subscription_id  UUID NOT NULL REFERENCES webhook_subscriptions (id),
    event_id         UUID NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    locked_until     TIMESTAMPTZ NOT NULL,
    give_up_at       TIMESTAMPTZ NOT NULL,
    last_status      INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at, id);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'admin', '*', 'integrations.clients', 'manage'),
    ('p', 'scope:webhooks:manage', '*', 'integrations.webhooks', 'manage'),
    ('p', 'scope:parking.permits:verify', '*', 'parking.permits', 'verify'),
    ('p', 'scope:health.appointments:read', '*', 'health.appointments', 'read'),
    ('p', 'health_admin', '*', 'health.appointments', 'read'),
    ('p', 'health_staff', '*', 'health.appointments', 'read');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND (v2 IN ('integrations.clients', 'integrations.webhooks') OR v0 LIKE 'scope:%'
    OR (v2 = 'health.appointments' AND v3 = 'read'));
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE client_rate_windows;
DROP TABLE oauth_clients;
