-- +goose Up
-- places_taken counts the zone's active, pending-approval and unpaid permits;
-- it never exceeds the quota at the moment a place is taken.
CREATE TABLE parking_zones (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    sector        TEXT NOT NULL,
    permit_quota  INTEGER NOT NULL CHECK (permit_quota >= 0),
    places_taken  INTEGER NOT NULL DEFAULT 0 CHECK (places_taken >= 0),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- The current price of a permit type and duration in a zone. A permit copies
-- its price when sold, so changing a tariff never changes a sold permit.
CREATE TABLE parking_tariffs (
    zone_id      UUID NOT NULL REFERENCES parking_zones (id) ON DELETE CASCADE,
    permit_type  TEXT NOT NULL CHECK (permit_type IN ('resident', 'business', 'disabled')),
    months       INTEGER NOT NULL CHECK (months IN (1, 3, 6, 12)),
    amount_pkr   INTEGER NOT NULL CHECK (amount_pkr > 0),
    PRIMARY KEY (zone_id, permit_type, months)
);

-- +goose Down
DROP TABLE parking_tariffs;
DROP TABLE parking_zones;
