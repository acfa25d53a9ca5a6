-- +goose Up
-- CNICs and B-forms are stored sealed (AES-GCM, the key's ID in front of
-- the value) with a keyed hash (HMAC) of the CNIC for uniqueness and
-- sign-in. The columns holding the numbers in the clear are renamed, not
-- dropped, so that existing rows keep their constraints; the server seals
-- any value still in the clear when it starts, before it serves.
ALTER TABLE accounts RENAME COLUMN cnic TO cnic_hash;
ALTER TABLE accounts ADD COLUMN cnic_sealed TEXT;
ALTER TABLE dependants RENAME COLUMN b_form_or_cnic TO b_form_sealed;

-- +goose Down
-- Sealed values cannot be opened by SQL: going down keeps them sealed.
ALTER TABLE dependants RENAME COLUMN b_form_sealed TO b_form_or_cnic;
ALTER TABLE accounts DROP COLUMN cnic_sealed;
ALTER TABLE accounts RENAME COLUMN cnic_hash TO cnic;
