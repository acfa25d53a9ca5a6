-- +goose Up
-- A person is one human however many records name them: a citizen's own
-- account, and the dependants other accounts add for them with the same
-- CNIC or B-form. The rules about a person (one appointment with a doctor a
-- day, one school seat a year, three open applications) are kept per
-- person, so that two records of one child, in one account or in two
-- parents' accounts, count as one.
--
-- people maps the keyed hash (HMAC) of a CNIC or B-form to its person: the
-- first record to name the number gives the person its ID, and every later
-- one, in any account, joins it. Its primary key makes two parents adding
-- the same child at once agree.
CREATE TABLE people (
    number_hash  TEXT PRIMARY KEY,
    person_id    UUID NOT NULL
);

ALTER TABLE accounts ADD COLUMN person_id UUID;
UPDATE accounts SET person_id = id;
-- Hashed CNICs only: a CNIC still in the clear (13 digits) is hashed, and
-- its person recorded, by the sealing pass when the server starts.
INSERT INTO people (number_hash, person_id)
    SELECT cnic_hash, id FROM accounts WHERE cnic_hash IS NOT NULL AND length(cnic_hash) <> 13;

ALTER TABLE dependants ADD COLUMN person_id UUID;
UPDATE dependants SET person_id = id;
-- The hash of the dependant's B-form or CNIC, when one was given; filled for
-- existing dependants by the sealing pass. One account holds a person once.
ALTER TABLE dependants ADD COLUMN number_hash TEXT;
CREATE UNIQUE INDEX dependants_one_per_account ON dependants (owner_id, number_hash) WHERE number_hash IS NOT NULL;

-- Dependants per account, kept with the dependants so that concurrent
-- additions cannot pass the cap (a conditional update decides).
CREATE TABLE dependant_counts (
    owner_id    UUID PRIMARY KEY,
    dependants  INTEGER NOT NULL CHECK (dependants >= 0)
);
INSERT INTO dependant_counts (owner_id, dependants) SELECT owner_id, count(*) FROM dependants GROUP BY owner_id;

-- Appointments: one a day with a doctor per person, whichever record booked.
ALTER TABLE health_appointments ADD COLUMN person_id UUID;
UPDATE health_appointments SET person_id = patient_id;
DROP INDEX health_appointments_one_per_day;
CREATE UNIQUE INDEX health_appointments_one_per_day ON health_appointments (person_id, practitioner_id, local_date)
    WHERE status IN ('booked', 'checked_in');

-- Appointments (not cancelled ones) an account holds with a doctor on a
-- day, whoever they are for, so that one account cannot book out a
-- doctor's day through placeholder dependants.
CREATE TABLE health_account_bookings (
    account_id       UUID NOT NULL,
    practitioner_id  UUID NOT NULL,
    local_date       DATE NOT NULL,
    bookings         INTEGER NOT NULL CHECK (bookings >= 0),
    PRIMARY KEY (account_id, practitioner_id, local_date)
);
INSERT INTO health_account_bookings (account_id, practitioner_id, local_date, bookings)
    SELECT account_id, practitioner_id, local_date, count(*) FROM health_appointments
    WHERE status NOT IN ('cancelled', 'cancelled_by_facility') GROUP BY account_id, practitioner_id, local_date;

-- Applications: per child person.
ALTER TABLE education_applications ADD COLUMN child_person_id UUID;
UPDATE education_applications SET child_person_id = child_id;
DROP INDEX education_applications_one_per_school;
CREATE UNIQUE INDEX education_applications_one_per_school ON education_applications (child_person_id, school_id, academic_year)
    WHERE status <> 'withdrawn';
DROP INDEX education_applications_one_seat;
CREATE UNIQUE INDEX education_applications_one_seat ON education_applications (child_person_id, academic_year)
    WHERE status IN ('accepted', 'enrolled');
ALTER TABLE education_open_applications RENAME COLUMN child_id TO person_id;

-- +goose Down
ALTER TABLE education_open_applications RENAME COLUMN person_id TO child_id;
DROP INDEX education_applications_one_seat;
CREATE UNIQUE INDEX education_applications_one_seat ON education_applications (child_id, academic_year)
    WHERE status IN ('accepted', 'enrolled');
DROP INDEX education_applications_one_per_school;
CREATE UNIQUE INDEX education_applications_one_per_school ON education_applications (child_id, school_id, academic_year)
    WHERE status <> 'withdrawn';
ALTER TABLE education_applications DROP COLUMN child_person_id;
DROP TABLE health_account_bookings;
DROP INDEX health_appointments_one_per_day;
CREATE UNIQUE INDEX health_appointments_one_per_day ON health_appointments (patient_id, practitioner_id, local_date)
    WHERE status IN ('booked', 'checked_in');
ALTER TABLE health_appointments DROP COLUMN person_id;
DROP TABLE dependant_counts;
DROP INDEX dependants_one_per_account;
ALTER TABLE dependants DROP COLUMN number_hash;
ALTER TABLE dependants DROP COLUMN person_id;
ALTER TABLE accounts DROP COLUMN person_id;
DROP TABLE people;
