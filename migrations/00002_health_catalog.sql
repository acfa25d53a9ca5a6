-- +goose Up
CREATE TABLE health_facilities (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('hospital', 'clinic', 'bhu', 'lab')),
    sector      TEXT NOT NULL,
    address     TEXT NOT NULL,
    lat         DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng         DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX health_facilities_name ON health_facilities (name, id);
CREATE INDEX health_facilities_sector ON health_facilities (sector);

CREATE TABLE health_facility_specialties (
    facility_id UUID NOT NULL REFERENCES health_facilities (id) ON DELETE CASCADE,
    specialty   TEXT NOT NULL,
    PRIMARY KEY (facility_id, specialty)
);
CREATE INDEX health_facility_specialties_specialty ON health_facility_specialties (specialty, facility_id);

CREATE TABLE health_practitioners (
    id           UUID PRIMARY KEY,
    facility_id  UUID NOT NULL REFERENCES health_facilities (id),
    full_name    TEXT NOT NULL,
    specialty    TEXT NOT NULL,
    pmdc_number  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX health_practitioners_facility ON health_practitioners (facility_id, full_name, id);
CREATE INDEX health_practitioners_specialty ON health_practitioners (specialty, full_name, id);

-- A slot is one appointment time of one practitioner. facility_id and
-- specialty are copied from the practitioner so that availability search
-- reads one table. booked never exceeds capacity: the database refuses it.
CREATE TABLE health_slots (
    id               UUID PRIMARY KEY,
    practitioner_id  UUID NOT NULL REFERENCES health_practitioners (id),
    facility_id      UUID NOT NULL REFERENCES health_facilities (id),
    specialty        TEXT NOT NULL,
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    capacity         INTEGER NOT NULL CHECK (capacity > 0),
    booked           INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    created_at       TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at),
    UNIQUE (practitioner_id, starts_at)
);
CREATE INDEX health_slots_facility_start ON health_slots (facility_id, starts_at, id) WHERE status = 'open';
CREATE INDEX health_slots_specialty_start ON health_slots (specialty, starts_at, id) WHERE status = 'open';
CREATE INDEX health_slots_start ON health_slots (starts_at, id) WHERE status = 'open';

-- +goose Down
DROP TABLE health_slots;
DROP TABLE health_practitioners;
DROP TABLE health_facility_specialties;
DROP TABLE health_facilities;
