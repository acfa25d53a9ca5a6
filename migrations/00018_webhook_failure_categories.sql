-- +goose Up
-- A delivery's last_error holds a word of webhook.Failures instead of the
-- network error's text, which named hosts, addresses, ports and
-- certificate details that let a client probe what the platform's network
-- reaches. The errors recorded before are put into the word their text
-- shows.
UPDATE webhook_deliveries SET last_error = CASE
    WHEN last_error IN ('subscription deleted', 'subscription no longer active', 'client revoked') THEN 'subscription_ended'
    WHEN last_status BETWEEN 300 AND 399 THEN 'redirect'
    WHEN last_status <> 0 THEN 'http_status'
    WHEN lower(last_error) LIKE '%is not allowed%' THEN 'not_allowed'
    WHEN lower(last_error) LIKE '%lookup %' THEN 'dns'
    WHEN lower(last_error) LIKE '%tls:%' OR lower(last_error) LIKE '%x509:%' OR lower(last_error) LIKE '%to https client%' THEN 'tls'
    WHEN lower(last_error) LIKE '%timeout%' OR lower(last_error) LIKE '%deadline exceeded%' THEN 'timeout'
    WHEN lower(last_error) LIKE '%connection refused%' THEN 'refused'
    WHEN lower(last_error) LIKE '%no route to host%' OR lower(last_error) LIKE '%network is unreachable%' THEN 'unreachable'
    ELSE 'other'
END
WHERE last_error <> '';

-- +goose Down
-- The errors' text is gone: going down keeps the words.
