-- +goose Up
-- Staff of the traffic department. PostgreSQL changes the department check
-- in place. SQLite cannot alter a check, and rebuilding accounts would
-- cascade deletes into the tables that refer to it, so the check is widened
-- in the stored schema (SQLite's documented way to loosen a constraint).
-- RESET makes this connection read the schema again, and the table
-- created and dropped after it every other connection.
-- postgres only
ALTER TABLE accounts DROP CONSTRAINT accounts_department_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_department_check CHECK (department IN ('platform', 'health', 'education', 'parking', 'traffic'));
-- end postgres only
-- sqlite only
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''education'', ''parking'')', '''education'', ''parking'', ''traffic'')')
    WHERE type = 'table' AND name = 'accounts';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_reload (id INTEGER);
DROP TABLE schema_reload;
-- end sqlite only

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'traffic_admin', '*', 'identity.profile', 'read'),
    ('p', 'traffic_admin', '*', 'identity.profile', 'write'),
    ('p', 'traffic_admin', '*', 'identity.session', 'logout'),
    ('p', 'traffic_officer', '*', 'identity.profile', 'read'),
    ('p', 'traffic_officer', '*', 'identity.profile', 'write'),
    ('p', 'traffic_officer', '*', 'identity.session', 'logout');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 IN ('traffic_admin', 'traffic_officer') AND v2 IN ('identity.profile', 'identity.session');
-- postgres only
ALTER TABLE accounts DROP CONSTRAINT accounts_department_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_department_check CHECK (department IN ('platform', 'health', 'education', 'parking'));
-- end postgres only
