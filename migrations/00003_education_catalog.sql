-- +goose Up
CREATE TABLE education_schools (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('primary', 'middle', 'secondary', 'higher_secondary')),
    gender      TEXT NOT NULL CHECK (gender IN ('boys', 'girls', 'co')),
    sector      TEXT NOT NULL,
    emis_code   TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX education_schools_name ON education_schools (name, id);
CREATE INDEX education_schools_sector ON education_schools (sector);

-- Seats per school, academic year and grade. filled never exceeds seats: the
-- database refuses it.
CREATE TABLE education_seats (
    school_id      UUID NOT NULL REFERENCES education_schools (id) ON DELETE CASCADE,
    academic_year  TEXT NOT NULL,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    seats          INTEGER NOT NULL CHECK (seats >= 0),
    filled         INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= seats),
    PRIMARY KEY (school_id, academic_year, grade)
);
CREATE INDEX education_seats_year_grade ON education_seats (academic_year, grade, school_id);

CREATE TABLE education_admission_windows (
    id             UUID PRIMARY KEY,
    academic_year  TEXT NOT NULL UNIQUE,
    opens_at       TIMESTAMPTZ NOT NULL,
    closes_at      TIMESTAMPTZ NOT NULL,
    age_cutoff     DATE NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    CHECK (closes_at > opens_at)
);

CREATE TABLE education_age_rules (
    window_id  UUID NOT NULL REFERENCES education_admission_windows (id) ON DELETE CASCADE,
    grade      INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    min_age    INTEGER NOT NULL CHECK (min_age >= 0),
    max_age    INTEGER NOT NULL,
    PRIMARY KEY (window_id, grade),
    CHECK (max_age >= min_age)
);

-- +goose Down
DROP TABLE education_age_rules;
DROP TABLE education_admission_windows;
DROP TABLE education_seats;
DROP TABLE education_schools;
