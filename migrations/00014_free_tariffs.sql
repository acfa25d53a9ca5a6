-- +goose Up
-- A tariff of 0 PKR is the free permit for disabled drivers, and a permit
-- sold at it costs nothing: the checks on both amounts allow 0. PostgreSQL
-- changes the checks in place; SQLite cannot alter a check, so it rebuilds
-- the two tables with their rows, indexes and the payments that refer to
-- the permits (foreign keys are checked at commit, once the permits are
-- back).
-- postgres only
ALTER TABLE parking_tariffs DROP CONSTRAINT parking_tariffs_amount_pkr_check;
ALTER TABLE parking_tariffs ADD CONSTRAINT parking_tariffs_amount_pkr_check CHECK (amount_pkr >= 0);
ALTER TABLE parking_permits DROP CONSTRAINT parking_permits_amount_pkr_check;
ALTER TABLE parking_permits ADD CONSTRAINT parking_permits_amount_pkr_check CHECK (amount_pkr >= 0);
-- end postgres only
-- sqlite only
PRAGMA defer_foreign_keys = ON;

CREATE TABLE parking_tariffs_rebuilt (
    zone_id      UUID NOT NULL REFERENCES parking_zones (id) ON DELETE CASCADE,
    permit_type  TEXT NOT NULL CHECK (permit_type IN ('resident', 'business', 'disabled')),
    months       INTEGER NOT NULL CHECK (months IN (1, 3, 6, 12)),
    amount_pkr   INTEGER NOT NULL CHECK (amount_pkr >= 0),
    PRIMARY KEY (zone_id, permit_type, months)
);
INSERT INTO parking_tariffs_rebuilt (zone_id, permit_type, months, amount_pkr)
    SELECT zone_id, permit_type, months, amount_pkr FROM parking_tariffs;
DROP TABLE parking_tariffs;
ALTER TABLE parking_tariffs_rebuilt RENAME TO parking_tariffs;

CREATE TABLE parking_permits_copy AS SELECT * FROM parking_permits;
DROP TABLE parking_permits;
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
    amount_pkr    INTEGER NOT NULL CHECK (amount_pkr >= 0),
    status        TEXT NOT NULL CHECK (status IN ('pending_payment', 'pending_approval', 'active', 'cancelled', 'revoked', 'rejected')),
    hold_until    TIMESTAMPTZ NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    reminded_at   TIMESTAMPTZ,
    CHECK (end_date >= start_date)
);
INSERT INTO parking_permits (id, account_id, vehicle_id, zone_id, plate, permit_type, months, start_date, end_date,
        amount_pkr, status, hold_until, reason, created_at, updated_at, reminded_at)
    SELECT id, account_id, vehicle_id, zone_id, plate, permit_type, months, start_date, end_date,
        amount_pkr, status, hold_until, reason, created_at, updated_at, reminded_at FROM parking_permits_copy;
DROP TABLE parking_permits_copy;
CREATE INDEX parking_permits_zone_live ON parking_permits (zone_id, status, end_date, hold_until);
CREATE INDEX parking_permits_vehicle ON parking_permits (vehicle_id, zone_id, status);
CREATE INDEX parking_permits_plate ON parking_permits (plate, zone_id, status);
CREATE INDEX parking_permits_account ON parking_permits (account_id, created_at, id);
CREATE INDEX parking_permits_status ON parking_permits (status, created_at, id);
-- end sqlite only

-- +goose Down
-- Going down keeps the checks that allow 0: the stricter ones would refuse
-- the free tariffs and permits already stored.
