-- +goose Up
-- next_queue hands out queue numbers within a slot in booking order; it only
-- grows, so a freed seat never repeats a number.
ALTER TABLE health_slots ADD COLUMN next_queue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE health_slots ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';

-- An appointment of a citizen, or of one of their dependants, in a slot.
-- patient_id is the citizen's account ID or the dependant's ID; local_date is
-- the slot's day in Asia/Karachi. The partial unique index allows one active
-- appointment per patient, practitioner and day.
CREATE TABLE health_appointments (
    id               UUID PRIMARY KEY,
    slot_id          UUID NOT NULL REFERENCES health_slots (id),
    practitioner_id  UUID NOT NULL REFERENCES health_practitioners (id),
    facility_id      UUID NOT NULL REFERENCES health_facilities (id),
    account_id       UUID NOT NULL,
    patient_id       UUID NOT NULL,
    patient_kind     TEXT NOT NULL CHECK (patient_kind IN ('self', 'dependant')),
    patient_name     TEXT NOT NULL,
    local_date       DATE NOT NULL,
    starts_at        TIMESTAMPTZ NOT NULL,
    queue_number     INTEGER NOT NULL CHECK (queue_number > 0),
    status           TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'cancelled_by_facility', 'checked_in', 'completed', 'no_show')),
    reason           TEXT NOT NULL DEFAULT '',
    cancel_reason    TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (slot_id, queue_number)
);
CREATE UNIQUE INDEX health_appointments_one_per_day ON health_appointments (patient_id, practitioner_id, local_date)
    WHERE status IN ('booked', 'checked_in');
CREATE INDEX health_appointments_account ON health_appointments (account_id, created_at, id);
CREATE INDEX health_appointments_facility_day ON health_appointments (facility_id, local_date, starts_at, queue_number);
CREATE INDEX health_appointments_slot ON health_appointments (slot_id, status);

-- What the platform told a citizen. Written in the same transaction as the
-- change it reports, so a rolled-back change tells nobody.
CREATE TABLE notifications (
    id          UUID PRIMARY KEY,
    account_id  UUID NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    read_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, created_at, id);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'health.appointments', 'book'),
    ('p', 'health_admin', '*', 'health.facilities', 'write'),
    ('p', 'health_admin', '*', 'health.schedules', 'write'),
    ('p', 'health_staff', '*', 'health.schedules', 'write'),
    ('p', 'health_admin', '*', 'health.appointments', 'manage'),
    ('p', 'health_staff', '*', 'health.appointments', 'manage');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 IN ('health.appointments', 'health.facilities', 'health.schedules');
DROP TABLE notifications;
DROP TABLE health_appointments;
ALTER TABLE health_slots DROP COLUMN cancel_reason;
ALTER TABLE health_slots DROP COLUMN next_queue;
