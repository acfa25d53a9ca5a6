-- +goose Up
-- Withdrawn permits by the time they were withdrawn: the list of permits
-- whose tokens officers' devices must refuse (/.well-known/permit-status)
-- reads the last day's, and plate retention the older ones.
CREATE INDEX parking_permits_withdrawn ON parking_permits (updated_at) WHERE status IN ('cancelled', 'revoked', 'rejected');

-- +goose Down
DROP INDEX parking_permits_withdrawn;
