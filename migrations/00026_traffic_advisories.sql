-- +goose Up
-- A road closure or diversion the traffic authority publishes. notified_at
-- is set when its followers' notices are written, in the same transaction,
-- so that each is notified once whichever instance's job gets there first.
CREATE TABLE traffic_advisories (
    id            UUID PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('closure', 'diversion')),
    title         TEXT NOT NULL,
    title_ur      TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_ur       TEXT NOT NULL,
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    published_by  TEXT NOT NULL,
    notified_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
-- The public list, by start; and the advisories whose followers wait for a notice.
CREATE INDEX traffic_advisories_starts ON traffic_advisories (starts_at, id);
CREATE INDEX traffic_advisories_unnotified ON traffic_advisories (created_at) WHERE notified_at IS NULL;

-- The sectors an advisory touches, by code, as citizens follow them.
CREATE TABLE traffic_advisory_sectors (
    advisory_id  UUID NOT NULL REFERENCES traffic_advisories (id),
    sector       TEXT NOT NULL REFERENCES traffic_sectors (code),
    PRIMARY KEY (advisory_id, sector)
);
CREATE INDEX traffic_advisory_sectors_sector ON traffic_advisory_sectors (sector, advisory_id);

-- The sectors a citizen follows, to hear of advisories touching them.
CREATE TABLE followed_sectors (
    account_id  UUID NOT NULL,
    sector      TEXT NOT NULL REFERENCES traffic_sectors (code),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, sector)
);
CREATE INDEX followed_sectors_sector ON followed_sectors (sector, account_id);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'traffic_admin', '*', 'traffic.advisories', 'write'),
    ('p', 'citizen', '*', 'traffic.sectors', 'follow');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND (
    (v0 = 'traffic_admin' AND v2 = 'traffic.advisories' AND v3 = 'write') OR
    (v0 = 'citizen' AND v2 = 'traffic.sectors' AND v3 = 'follow'));
DROP TABLE followed_sectors;
DROP TABLE traffic_advisory_sectors;
DROP TABLE traffic_advisories;
