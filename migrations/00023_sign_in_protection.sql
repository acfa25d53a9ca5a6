-- +goose Up
-- Failed sign-ins are counted under keyed hashes of the client address and
-- the username typed, never under the text itself. The rows counted under
-- clear keys are dropped: they only ever mattered for fifteen minutes.
DELETE FROM login_failures;
-- The hourly retention job deletes failures older than the window.
CREATE INDEX login_failures_at ON login_failures (at);

-- A code either verifies a new account's phone or, with the password, signs
-- in to an account whose sign-in is paused after failed guesses.
ALTER TABLE otp_codes ADD COLUMN purpose TEXT NOT NULL DEFAULT 'verify' CHECK (purpose IN ('verify', 'sign_in'));
CREATE INDEX otp_codes_account_created ON otp_codes (account_id, created_at);

-- +goose Down
DROP INDEX otp_codes_account_created;
ALTER TABLE otp_codes DROP COLUMN purpose;
DROP INDEX login_failures_at;
