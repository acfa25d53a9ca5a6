-- +goose Up
-- A zone's places are counted from its live permits under a lock on the
-- zone row, so the counter of the first schema is not needed.
ALTER TABLE parking_zones DROP COLUMN places_taken;

-- A citizen's vehicle. plate is normalised (ABC-123, ICT-ABC-123); a plate
-- belongs to one citizen at a time. Deleted vehicles are kept for the
-- permits that name them.
CREATE TABLE parking_vehicles (
    id          UUID PRIMARY KEY,
    account_id  UUID NOT NULL,
    plate       TEXT NOT NULL,
    make        TEXT NOT NULL DEFAULT '',
    model       TEXT NOT NULL DEFAULT '',
    colour      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    deleted_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX parking_vehicles_plate ON parking_vehicles (plate) WHERE deleted_at IS NULL;
CREATE INDEX parking_vehicles_account ON parking_vehicles (account_id, created_at, id);

-- A permit for one vehicle in one zone over whole local days, start_date to
-- end_date inclusive, sold at amount_pkr. A pending_payment permit holds its
-- place until hold_until; an active one until end_date. Expiry is read from
-- the dates, never waited for.
CREATE TABLE parking_permits (
    id            UUID PRIMARY KEY,
    account_id    UUID NOT NULL,
    vehicle_id    UUID NOT NULL REFERENCES parking_vehicles (id),
    zone_id       UUID NOT NULL REFERENCES parking_zones (id),
    plate         TEXT NOT NULL,
    permit_type   TEXT NOT NULL CHECK (permit_type IN ('resident', 'business', 'disabled')),
    months        INTEGER NOT NULL CHECK (months IN (1, 3, 6, 12)),
    start_date    DATE NOT NULL,
    end_date      DATE NOT NULL,
    amount_pkr    INTEGER NOT NULL CHECK (amount_pkr > 0),
    status        TEXT NOT NULL CHECK (status IN ('pending_payment', 'pending_approval', 'active', 'cancelled', 'revoked', 'rejected')),
    hold_until    TIMESTAMPTZ NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX parking_permits_zone_live ON parking_permits (zone_id, status, end_date);
CREATE INDEX parking_permits_vehicle ON parking_permits (vehicle_id, zone_id, status);
CREATE INDEX parking_permits_plate ON parking_permits (plate, zone_id, status);
CREATE INDEX parking_permits_account ON parking_permits (account_id, created_at, id);
CREATE INDEX parking_permits_status ON parking_permits (status, created_at, id);

-- Money moved for a permit: charges and refunds, with the provider's reference.
CREATE TABLE parking_payments (
    id            UUID PRIMARY KEY,
    permit_id     UUID NOT NULL REFERENCES parking_permits (id),
    account_id    UUID NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
    provider      TEXT NOT NULL,
    provider_ref  TEXT NOT NULL DEFAULT '',
    amount_pkr    INTEGER NOT NULL CHECK (amount_pkr >= 0),
    status        TEXT NOT NULL CHECK (status IN ('succeeded', 'declined')),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX parking_payments_permit ON parking_payments (permit_id, created_at);
-- A permit is charged successfully at most once.
CREATE UNIQUE INDEX parking_payments_one_charge ON parking_payments (permit_id) WHERE kind = 'charge' AND status = 'succeeded';

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'parking.vehicles', 'manage'),
    ('p', 'citizen', '*', 'parking.permits', 'buy'),
    ('p', 'parking_officer', '*', 'parking.permits', 'verify'),
    ('p', 'parking_admin', '*', 'parking.permits', 'verify'),
    ('p', 'parking_admin', '*', 'parking.zones', 'write'),
    ('p', 'parking_admin', '*', 'parking.permits', 'manage');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 IN ('parking.vehicles', 'parking.permits', 'parking.zones');
DROP TABLE parking_payments;
DROP TABLE parking_permits;
DROP TABLE parking_vehicles;
ALTER TABLE parking_zones ADD COLUMN places_taken INTEGER NOT NULL DEFAULT 0;
