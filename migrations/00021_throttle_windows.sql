-- +goose Up
-- What one client address or phone, or the whole platform, has asked for in
-- a window of an hour or a day: registrations and SMS codes. Every instance
-- counts here, with a conditional update that cannot pass a limit. A key
-- names the limit and holds the keyed hash (HMAC) of the address or phone,
-- never the value; rows are purged a day after their window starts.
CREATE TABLE throttle_windows (
    key           TEXT NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    hits          INTEGER NOT NULL CHECK (hits > 0),
    PRIMARY KEY (key, window_start)
);
CREATE INDEX throttle_windows_start ON throttle_windows (window_start);

-- +goose Down
DROP TABLE throttle_windows;
