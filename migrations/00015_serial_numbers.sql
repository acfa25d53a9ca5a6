-- +goose Up
-- Numbers people read aloud, one series each (platform/serial): the last
-- number issued in the series.
CREATE TABLE serials (
    series       TEXT PRIMARY KEY,
    last_issued  BIGINT NOT NULL CHECK (last_issued > 0)
);

-- An application's number, APP-<first year of the academic year>-NNNNNN,
-- in the order applications were made. Existing applications are numbered
-- here, and their series continue from the count.
ALTER TABLE education_applications ADD COLUMN number TEXT;
-- postgres only
UPDATE education_applications a SET number = n.number
FROM (SELECT id, 'APP-' || substr(academic_year, 1, 4) || '-' ||
             lpad((row_number() OVER (PARTITION BY academic_year ORDER BY created_at, id))::text, 6, '0') AS number
      FROM education_applications) n
WHERE a.id = n.id;
-- end postgres only
-- sqlite only
UPDATE education_applications SET number = 'APP-' || substr(academic_year, 1, 4) || '-' || printf('%06d',
    (SELECT count(*) FROM education_applications b WHERE b.academic_year = education_applications.academic_year
        AND (b.created_at < education_applications.created_at
             OR (b.created_at = education_applications.created_at AND b.id <= education_applications.id))));
-- end sqlite only
CREATE UNIQUE INDEX education_applications_number ON education_applications (number);
INSERT INTO serials (series, last_issued)
    SELECT 'APP-' || substr(academic_year, 1, 4), count(*) FROM education_applications GROUP BY academic_year;

-- +goose Down
DROP INDEX education_applications_number;
ALTER TABLE education_applications DROP COLUMN number;
DROP TABLE serials;
