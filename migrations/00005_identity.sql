-- +goose Up
-- One account per citizen or staff member. Citizens sign in with CNIC or
-- phone, staff with e-mail. cnic is 13 digits, phone E.164, email lower case.
CREATE TABLE accounts (
    id                  UUID PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
    cnic                TEXT UNIQUE,
    phone               TEXT UNIQUE,
    email               TEXT UNIQUE,
    full_name           TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending_verification', 'active', 'locked', 'deactivated')),
    department          TEXT CHECK (department IN ('platform', 'health', 'education', 'parking')),
    preferred_language  TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'ur')),
    verified_at         TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK (kind = 'staff' OR (cnic IS NOT NULL AND phone IS NOT NULL)),
    CHECK (kind = 'citizen' OR (email IS NOT NULL AND department IS NOT NULL))
);
CREATE INDEX accounts_kind_created ON accounts (kind, created_at, id);

-- One-time codes sent by SMS; only a hash of the code is kept.
CREATE TABLE otp_codes (
    id          UUID PRIMARY KEY,
    account_id  UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    status      TEXT NOT NULL CHECK (status IN ('active', 'used', 'void')),
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX otp_codes_phone_created ON otp_codes (phone, created_at);

-- Refresh tokens, stored hashed, in families that share one absolute
-- expiry. A family has at most one active token: the database refuses two.
CREATE TABLE refresh_tokens (
    id          UUID PRIMARY KEY,
    family_id   UUID NOT NULL,
    account_id  UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL CHECK (status IN ('active', 'spent', 'revoked')),
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    spent_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX refresh_tokens_one_active_per_family ON refresh_tokens (family_id) WHERE status = 'active';
CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id, status);

-- A citizen's family members. They belong to exactly one citizen.
CREATE TABLE dependants (
    id              UUID PRIMARY KEY,
    owner_id        UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    full_name       TEXT NOT NULL,
    relation        TEXT NOT NULL CHECK (relation IN ('child', 'spouse', 'parent', 'other')),
    date_of_birth   DATE NOT NULL,
    gender          TEXT NOT NULL CHECK (gender IN ('male', 'female', 'other')),
    b_form_or_cnic  TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX dependants_owner ON dependants (owner_id, created_at, id);

-- Failed sign-ins, counted per account and per client IP over a window.
CREATE TABLE login_failures (
    id   UUID PRIMARY KEY,
    key  TEXT NOT NULL,
    at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE audit_log (
    id           UUID PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_kind   TEXT NOT NULL,
    actor_roles  TEXT NOT NULL DEFAULT '',
    actor_unit   TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT NOT NULL DEFAULT '',
    subject_id   TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    client_ip    TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);

-- What the development message sender "sent" (GET /dev/messages).
CREATE TABLE dev_messages (
    id         UUID PRIMARY KEY,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX dev_messages_recipient ON dev_messages (recipient, sent_at);

-- Casbin's policy table (the gorm-adapter's layout). p rules grant a role
-- or scope a permission in a domain ("*" is every domain); g rules give a
-- staff account a role in a domain (a unit ID for unit-scoped roles).
CREATE TABLE casbin_rule (
    id     BIGSERIAL PRIMARY KEY,
    ptype  VARCHAR(100) NOT NULL DEFAULT '',
    v0     VARCHAR(100) NOT NULL DEFAULT '',
    v1     VARCHAR(100) NOT NULL DEFAULT '',
    v2     VARCHAR(100) NOT NULL DEFAULT '',
    v3     VARCHAR(100) NOT NULL DEFAULT '',
    v4     VARCHAR(100) NOT NULL DEFAULT '',
    v5     VARCHAR(100) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
    ('p', 'citizen', '*', 'identity.profile', 'read'),
    ('p', 'citizen', '*', 'identity.profile', 'write'),
    ('p', 'citizen', '*', 'identity.session', 'logout'),
    ('p', 'citizen', '*', 'identity.dependants', 'manage'),
    ('p', 'admin', '*', 'identity.profile', 'read'),
    ('p', 'admin', '*', 'identity.profile', 'write'),
    ('p', 'admin', '*', 'identity.session', 'logout'),
    ('p', 'admin', '*', 'identity.staff', 'manage'),
    ('p', 'admin', '*', 'identity.roles', 'manage'),
    ('p', 'admin', '*', 'audit.log', 'read'),
    ('p', 'health_admin', '*', 'identity.profile', 'read'),
    ('p', 'health_admin', '*', 'identity.profile', 'write'),
    ('p', 'health_admin', '*', 'identity.session', 'logout'),
    ('p', 'health_staff', '*', 'identity.profile', 'read'),
    ('p', 'health_staff', '*', 'identity.profile', 'write'),
    ('p', 'health_staff', '*', 'identity.session', 'logout'),
    ('p', 'education_admin', '*', 'identity.profile', 'read'),
    ('p', 'education_admin', '*', 'identity.profile', 'write'),
    ('p', 'education_admin', '*', 'identity.session', 'logout'),
    ('p', 'education_staff', '*', 'identity.profile', 'read'),
    ('p', 'education_staff', '*', 'identity.profile', 'write'),
    ('p', 'education_staff', '*', 'identity.session', 'logout'),
    ('p', 'parking_admin', '*', 'identity.profile', 'read'),
    ('p', 'parking_admin', '*', 'identity.profile', 'write'),
    ('p', 'parking_admin', '*', 'identity.session', 'logout'),
    ('p', 'parking_officer', '*', 'identity.profile', 'read'),
    ('p', 'parking_officer', '*', 'identity.profile', 'write'),
    ('p', 'parking_officer', '*', 'identity.session', 'logout');

-- +goose Down
DROP TABLE casbin_rule;
DROP TABLE dev_messages;
DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE dependants;
DROP TABLE refresh_tokens;
DROP TABLE otp_codes;
DROP TABLE accounts;
