-- +goose Up
-- A waitlisted application whose seat frees up is offered it (status
-- offered) and waits for the family's answer, instead of being accepted
-- on its own. The status check is widened as in 00027.
-- postgres only
ALTER TABLE education_applications DROP CONSTRAINT education_applications_status_check;
ALTER TABLE education_applications ADD CONSTRAINT education_applications_status_check
    CHECK (status IN ('submitted', 'under_review', 'accepted', 'waitlisted', 'offered', 'rejected', 'enrolled', 'withdrawn'));
-- end postgres only
-- sqlite only
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''accepted'', ''waitlisted'',', '''accepted'', ''waitlisted'', ''offered'',')
    WHERE type = 'table' AND name = 'education_applications';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_reload (id INTEGER);
DROP TABLE schema_reload;
-- end sqlite only

-- +goose Down
-- postgres only
ALTER TABLE education_applications DROP CONSTRAINT education_applications_status_check;
ALTER TABLE education_applications ADD CONSTRAINT education_applications_status_check
    CHECK (status IN ('submitted', 'under_review', 'accepted', 'waitlisted', 'rejected', 'enrolled', 'withdrawn'));
-- end postgres only
