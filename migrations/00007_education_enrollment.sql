-- +goose Up
-- A parent's application for one of their children to a school, grade and
-- academic year. child_id is the dependant's ID in the identity module.
CREATE TABLE education_applications (
    id             UUID PRIMARY KEY,
    school_id      UUID NOT NULL REFERENCES education_schools (id),
    academic_year  TEXT NOT NULL,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    account_id     UUID NOT NULL,
    child_id       UUID NOT NULL,
    child_name     TEXT NOT NULL,
    child_dob      DATE NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'accepted', 'waitlisted', 'rejected', 'enrolled', 'withdrawn')),
    waitlisted_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
-- One live application per child, school and year.
CREATE UNIQUE INDEX education_applications_one_per_school ON education_applications (child_id, school_id, academic_year)
    WHERE status <> 'withdrawn';
-- A child holds at most one seat a year.
CREATE UNIQUE INDEX education_applications_one_seat ON education_applications (child_id, academic_year)
    WHERE status IN ('accepted', 'enrolled');
CREATE INDEX education_applications_account ON education_applications (account_id, created_at, id);
CREATE INDEX education_applications_school ON education_applications (school_id, academic_year, grade, status, created_at, id);
CREATE INDEX education_applications_waitlist ON education_applications (school_id, academic_year, grade, waitlisted_at, id)
    WHERE status = 'waitlisted';

-- Open applications per child and year; the check caps them at three, so
-- concurrent applications cannot exceed the limit.
CREATE TABLE education_open_applications (
    child_id       UUID NOT NULL,
    academic_year  TEXT NOT NULL,
    open_count     INTEGER NOT NULL CHECK (open_count BETWEEN 0 AND 3),
    PRIMARY KEY (child_id, academic_year)
);

-- Every status change: who, when, and the note they gave.
CREATE TABLE education_application_events (
    id              UUID PRIMARY KEY,
    application_id  UUID NOT NULL REFERENCES education_applications (id),
    from_status     TEXT NOT NULL,
    to_status       TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    actor_role      TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX education_application_events_application ON education_application_events (application_id, at);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'education.applications', 'apply'),
    ('p', 'education_admin', '*', 'education.schools', 'write'),
    ('p', 'education_admin', '*', 'education.seats', 'write'),
    ('p', 'education_staff', '*', 'education.seats', 'write'),
    ('p', 'education_admin', '*', 'education.windows', 'write'),
    ('p', 'education_admin', '*', 'education.applications', 'decide'),
    ('p', 'education_staff', '*', 'education.applications', 'decide');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 IN ('education.applications', 'education.schools', 'education.seats', 'education.windows');
DROP TABLE education_application_events;
DROP TABLE education_open_applications;
DROP TABLE education_applications;
