-- +goose Up
-- Every instance keeps the authorization policy in memory. A change to it,
-- through the API or by an operator's SQL, notifies every instance, which
-- reloads it (api/policy.go).
-- postgres only
-- +goose StatementBegin
CREATE FUNCTION citizenapi_policy_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('citizenapi_policy', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER casbin_rule_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON casbin_rule
    FOR EACH STATEMENT EXECUTE FUNCTION citizenapi_policy_changed();
-- end postgres only

-- +goose Down
-- postgres only
DROP TRIGGER casbin_rule_changed ON casbin_rule;
DROP FUNCTION citizenapi_policy_changed();
-- end postgres only
