-- +goose Up
-- A traffic sector of the city (F-7, G-9, Blue Area): where a challan was
-- issued and the unit a traffic officer serves.
CREATE TABLE traffic_sectors (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_ur     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- The offence schedule. late_fine_pkr is what is owed, in place of the
-- fine, once the due date has passed.
CREATE TABLE traffic_offences (
    code           TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    title_ur       TEXT NOT NULL,
    fine_pkr       INTEGER NOT NULL CHECK (fine_pkr > 0),
    late_fine_pkr  INTEGER NOT NULL CHECK (late_fine_pkr >= fine_pkr),
    due_days       INTEGER NOT NULL CHECK (due_days BETWEEN 1 AND 365),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- A challan for a plate. vehicle_id and account_id are the registry's
-- holder of the plate when the offence occurred (null when nobody held
-- it), so a plate's later owner never sees it. The fines and due date are
-- fixed when it is issued. device_ref makes an issuer's retries safe.
CREATE TABLE traffic_challans (
    id             UUID PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    plate          TEXT NOT NULL,
    vehicle_id     UUID REFERENCES vehicles (id),
    account_id     UUID,
    offence_code   TEXT NOT NULL REFERENCES traffic_offences (code),
    fine_pkr       INTEGER NOT NULL CHECK (fine_pkr > 0),
    late_fine_pkr  INTEGER NOT NULL CHECK (late_fine_pkr >= fine_pkr),
    sector_id      UUID NOT NULL REFERENCES traffic_sectors (id),
    place          TEXT NOT NULL,
    occurred_at    TIMESTAMPTZ NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    due_date       DATE NOT NULL,
    contest_until  DATE NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('issued', 'contested', 'paid', 'cancelled')),
    issuer_id      TEXT NOT NULL,
    device_ref     TEXT,
    evidence_url   TEXT NOT NULL DEFAULT '',
    statement      TEXT NOT NULL DEFAULT '',
    decision_note  TEXT NOT NULL DEFAULT '',
    paid_pkr       INTEGER,
    paid_at        TIMESTAMPTZ,
    due_reminded_at      TIMESTAMPTZ,
    overdue_reminded_at  TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
-- One challan per issuer and device reference, whoever retries.
CREATE UNIQUE INDEX traffic_challans_device ON traffic_challans (issuer_id, device_ref) WHERE device_ref IS NOT NULL;
-- A citizen's challans, newest first.
CREATE INDEX traffic_challans_account ON traffic_challans (account_id, issued_at, id) WHERE account_id IS NOT NULL;
-- A plate's challans, newest first, for the officers' look-up.
CREATE INDEX traffic_challans_plate ON traffic_challans (plate, issued_at, id);
-- A sector's challans for its officers, newest first.
CREATE INDEX traffic_challans_sector ON traffic_challans (sector_id, issued_at, id);
-- A holder's unpaid challans on a plate (parking asks), and the reminders'
-- due dates.
CREATE INDEX traffic_challans_holder_unpaid ON traffic_challans (account_id, plate, due_date) WHERE status = 'issued';
CREATE INDEX traffic_challans_due ON traffic_challans (due_date) WHERE status = 'issued';

-- Every change of a challan: who did it and when.
CREATE TABLE traffic_challan_events (
    id          UUID PRIMARY KEY,
    challan_id  UUID NOT NULL REFERENCES traffic_challans (id),
    at          TIMESTAMPTZ NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('issued', 'contested', 'upheld', 'cancelled', 'paid')),
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX traffic_challan_events_challan ON traffic_challan_events (challan_id, at);

-- Money taken for a challan; a challan is charged successfully at most once.
CREATE TABLE traffic_payments (
    id            UUID PRIMARY KEY,
    challan_id    UUID NOT NULL REFERENCES traffic_challans (id),
    account_id    UUID NOT NULL,
    provider      TEXT NOT NULL,
    provider_ref  TEXT NOT NULL DEFAULT '',
    amount_pkr    INTEGER NOT NULL CHECK (amount_pkr > 0),
    status        TEXT NOT NULL CHECK (status IN ('succeeded', 'declined')),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX traffic_payments_challan ON traffic_payments (challan_id, created_at);
CREATE UNIQUE INDEX traffic_payments_one_charge ON traffic_payments (challan_id) WHERE status = 'succeeded';

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'traffic.challans', 'pay'),
    ('p', 'traffic_officer', '*', 'traffic.challans', 'issue'),
    ('p', 'scope:traffic.challans:issue', '*', 'traffic.challans', 'issue'),
    ('p', 'traffic_officer', '*', 'traffic.challans', 'read'),
    ('p', 'traffic_admin', '*', 'traffic.challans', 'read'),
    ('p', 'traffic_officer', '*', 'traffic.plates', 'lookup'),
    ('p', 'traffic_admin', '*', 'traffic.plates', 'lookup'),
    ('p', 'scope:traffic.challans:issue', '*', 'traffic.plates', 'lookup'),
    ('p', 'scope:traffic.challans:lookup', '*', 'traffic.plates', 'lookup'),
    ('p', 'traffic_admin', '*', 'traffic.challans', 'decide'),
    ('p', 'traffic_admin', '*', 'traffic.offences', 'write');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 IN ('traffic.challans', 'traffic.plates', 'traffic.offences');
DROP TABLE traffic_payments;
DROP TABLE traffic_challan_events;
DROP TABLE traffic_challans;
DROP TABLE traffic_offences;
DROP TABLE traffic_sectors;
