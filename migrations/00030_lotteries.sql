-- +goose Up
-- A lottery for an oversubscribed grade that anyone can check. commitment
-- is the SHA-256 (lowercase hex) of a secret seed, published before the
-- draw; the seed is revealed at the draw and fixes the ranking. One
-- lottery per school, year and grade, so that a lottery cannot be redone
-- until its outcome suits someone.
CREATE TABLE education_lotteries (
    id             UUID PRIMARY KEY,
    school_id      UUID NOT NULL REFERENCES education_schools (id),
    academic_year  TEXT NOT NULL,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    commitment     TEXT NOT NULL CHECK (length(commitment) = 64),
    seed           TEXT,
    status         TEXT NOT NULL CHECK (status IN ('committed', 'drawn')),
    -- The grade's free seats at the draw.
    seats_offered  INTEGER CHECK (seats_offered >= 0),
    committed_by   TEXT NOT NULL,
    committed_at   TIMESTAMPTZ NOT NULL,
    drawn_by       TEXT,
    drawn_at       TIMESTAMPTZ,
    UNIQUE (school_id, academic_year, grade),
    CHECK ((status = 'drawn') = (seed IS NOT NULL AND seats_offered IS NOT NULL AND drawn_at IS NOT NULL))
);
CREATE INDEX education_lotteries_school ON education_lotteries (school_id, committed_at, id);
CREATE INDEX education_lotteries_committed ON education_lotteries (committed_at, id);

-- The applications a lottery ranks, frozen at the commitment with their
-- priority group (0: a sibling holds a seat at the school, 1: the family
-- lives in the school's sector, 2: the others); rank and outcome are
-- written at the draw.
CREATE TABLE education_lottery_entries (
    lottery_id      UUID NOT NULL REFERENCES education_lotteries (id),
    application_id  UUID NOT NULL REFERENCES education_applications (id),
    priority_group  INTEGER NOT NULL CHECK (priority_group BETWEEN 0 AND 2),
    rank            INTEGER CHECK (rank >= 1),
    outcome         TEXT CHECK (outcome IN ('accepted', 'offered', 'waitlisted', 'skipped')),
    PRIMARY KEY (lottery_id, application_id),
    UNIQUE (lottery_id, rank)
);
CREATE INDEX education_lottery_entries_application ON education_lottery_entries (application_id);

-- The family's sector, for the lottery's sector priority.
ALTER TABLE education_applications ADD COLUMN home_sector TEXT NOT NULL DEFAULT '';

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'education_admin', '*', 'education.lotteries', 'run');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'education_admin' AND v2 = 'education.lotteries' AND v3 = 'run';
ALTER TABLE education_applications DROP COLUMN home_sector;
DROP TABLE education_lottery_entries;
DROP TABLE education_lotteries;
