-- +goose Up
-- Webhook signing secrets are stored sealed (AES-GCM under the PII keys,
-- the key's ID in front of the value): the dispatcher needs them to sign,
-- so they cannot be hashed, and a dump must not let anyone forge
-- deliveries. The column is renamed, not replaced, so that existing rows
-- keep their secrets; the server seals any secret still in the clear when
-- it starts, before it serves (webhook.SealSecrets).
ALTER TABLE webhook_subscriptions RENAME COLUMN secret TO secret_sealed;

-- +goose Down
-- Sealed values cannot be opened by SQL: going down keeps them sealed.
ALTER TABLE webhook_subscriptions RENAME COLUMN secret_sealed TO secret;
