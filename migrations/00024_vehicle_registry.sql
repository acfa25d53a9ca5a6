-- +goose Up
-- Citizens' vehicles belong to their account (identity), not to parking:
-- parking, and the services that fine or tax a vehicle, read one registry.
-- A row is a plate held by one account from created_at until deleted_at;
-- a plate is held by one account at a time (vehicles_plate) and by several
-- over the years. Permits still refer to the rows: PostgreSQL and SQLite
-- both carry a foreign key over a table's rename.
ALTER TABLE parking_vehicles RENAME TO vehicles;
-- postgres only
ALTER INDEX parking_vehicles_pkey RENAME TO vehicles_pkey;
ALTER INDEX parking_vehicles_plate RENAME TO vehicles_plate;
ALTER INDEX parking_vehicles_account RENAME TO vehicles_account;
-- end postgres only
-- sqlite only
DROP INDEX parking_vehicles_plate;
CREATE UNIQUE INDEX vehicles_plate ON vehicles (plate) WHERE deleted_at IS NULL;
DROP INDEX parking_vehicles_account;
CREATE INDEX vehicles_account ON vehicles (account_id, created_at, id);
-- end sqlite only
-- Who held a plate at a given time: the latest row for the plate created
-- by then.
CREATE INDEX vehicles_plate_history ON vehicles (plate, created_at);

-- +goose Down
DROP INDEX vehicles_plate_history;
-- postgres only
ALTER INDEX vehicles_pkey RENAME TO parking_vehicles_pkey;
ALTER INDEX vehicles_plate RENAME TO parking_vehicles_plate;
ALTER INDEX vehicles_account RENAME TO parking_vehicles_account;
-- end postgres only
-- sqlite only
DROP INDEX vehicles_plate;
CREATE UNIQUE INDEX parking_vehicles_plate ON vehicles (plate) WHERE deleted_at IS NULL;
DROP INDEX vehicles_account;
CREATE INDEX parking_vehicles_account ON vehicles (account_id, created_at, id);
-- end sqlite only
ALTER TABLE vehicles RENAME TO parking_vehicles;
