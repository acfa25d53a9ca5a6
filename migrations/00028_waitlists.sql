-- +goose Up
-- A citizen waiting for a scarce place: a seat on a doctor's day, a seat in
-- a school's grade, a place in a parking zone. pool names the places an
-- entry waits for (a freed place goes to the pool's first entry); line is
-- what the citizen chose inside it (a zone's permit type), and subject who
-- or what waits (a patient, an application, a vehicle), in a pool at most
-- once at a time. seq orders entries that joined at the same moment, as a
-- lottery's ranking does.
CREATE TABLE waitlist_entries (
    id          UUID PRIMARY KEY,
    service     TEXT NOT NULL CHECK (service IN ('health', 'education', 'parking')),
    pool        TEXT NOT NULL,
    line        TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    account_id  UUID NOT NULL,
    subject     TEXT NOT NULL,
    label       TEXT NOT NULL,
    details     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'served', 'left')),
    joined_at   TIMESTAMPTZ NOT NULL,
    seq         INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX waitlist_entries_once ON waitlist_entries (pool, subject) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_entries_next ON waitlist_entries (pool, joined_at, seq, id) WHERE status = 'waiting';
CREATE INDEX waitlist_entries_account ON waitlist_entries (account_id, joined_at, id);
CREATE INDEX waitlist_entries_unit ON waitlist_entries (service, unit_id, pool) WHERE status IN ('waiting', 'offered');

-- A freed place held for one entry until expires_at; place_until is when
-- the place itself stops being of use (a slot's start), if it does. An
-- entry has at most
-- one live offer, and a service holds the place itself (a seat stays
-- taken, a zone counts its live offers), so a place is never held twice.
CREATE TABLE offers (
    id           UUID PRIMARY KEY,
    entry_id     UUID NOT NULL REFERENCES waitlist_entries (id),
    service      TEXT NOT NULL,
    pool         TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    account_id   UUID NOT NULL,
    place        TEXT NOT NULL,
    place_until  TIMESTAMPTZ,
    status       TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'lapsed')),
    expires_at   TIMESTAMPTZ NOT NULL,
    reminded_at  TIMESTAMPTZ,
    decided_at   TIMESTAMPTZ,
    result_id    TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX offers_one_live ON offers (entry_id) WHERE status = 'offered';
CREATE INDEX offers_due ON offers (expires_at) WHERE status = 'offered';
CREATE INDEX offers_place ON offers (service, place) WHERE status = 'offered';
CREATE INDEX offers_account ON offers (account_id, created_at);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'home.waitlists', 'manage');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'citizen' AND v2 = 'home.waitlists' AND v3 = 'manage';
DROP TABLE offers;
DROP TABLE waitlist_entries;
