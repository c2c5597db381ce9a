-- +goose Up
-- Platform foundation: tenants, spatial units, organisations, locations, accounts, sessions,
-- API tokens, login throttling and the hash-chained audit trail.

CREATE TABLE tenants (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    disabled_at TIMESTAMPTZ,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE districts (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    id         UUID NOT NULL,
    name       TEXT NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE quarters (
    tenant_id   UUID NOT NULL,
    id          UUID NOT NULL,
    district_id UUID NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, district_id, name),
    FOREIGN KEY (tenant_id, district_id) REFERENCES districts (tenant_id, id)
);

CREATE TABLE organisations (
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    id          UUID NOT NULL,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    dp_regime   TEXT NOT NULL,
    kim_carrier BOOLEAN NOT NULL DEFAULT FALSE,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE INDEX organisations_type ON organisations (tenant_id, type);

CREATE TABLE locations (
    tenant_id       UUID NOT NULL,
    id              UUID NOT NULL,
    organisation_id UUID NOT NULL,
    name            TEXT NOT NULL,
    street          TEXT NOT NULL DEFAULT '',
    postcode        TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    district_id     UUID,
    quarter_id      UUID,
    opening_hours   TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '',
    step_free       BOOLEAN NOT NULL DEFAULT FALSE,
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, organisation_id, name),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, district_id) REFERENCES districts (tenant_id, id),
    FOREIGN KEY (tenant_id, quarter_id) REFERENCES quarters (tenant_id, id)
);
CREATE INDEX locations_district ON locations (tenant_id, district_id);

CREATE TABLE users (
    tenant_id             UUID NOT NULL REFERENCES tenants (id),
    id                    UUID NOT NULL,
    organisation_id       UUID NOT NULL,
    email                 TEXT NOT NULL,
    name                  TEXT NOT NULL,
    role                  TEXT NOT NULL,
    language              TEXT NOT NULL DEFAULT 'de',
    password_hash         TEXT,
    totp_secret           BYTEA,
    totp_pending          BYTEA,
    totp_confirmed_at     TIMESTAMPTZ,
    totp_last_step        BIGINT NOT NULL DEFAULT 0,
    activation_hash       TEXT,
    activation_expires_at TIMESTAMPTZ,
    oidc_subject          TEXT,
    disabled_at           TIMESTAMPTZ,
    last_login_at         TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    UNIQUE (tenant_id, oidc_subject),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX users_organisation ON users (tenant_id, organisation_id);

CREATE TABLE recovery_codes (
    tenant_id  UUID NOT NULL,
    user_id    UUID NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    tenant_id    UUID NOT NULL,
    token_hash   TEXT NOT NULL,
    user_id      UUID NOT NULL,
    stage        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    mfa_at       TIMESTAMPTZ,
    user_agent   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_flows (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    state_hash TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    next_path  TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, state_hash)
);

CREATE TABLE api_tokens (
    tenant_id    UUID NOT NULL,
    id           UUID NOT NULL,
    user_id      UUID NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (tenant_id, user_id);

CREATE TABLE login_throttle (
    tenant_id    UUID NOT NULL,
    key_hash     TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, key_hash)
);

CREATE TABLE audit_log (
    tenant_id    UUID NOT NULL,
    seq          BIGINT NOT NULL,
    id           UUID NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_role   TEXT NOT NULL DEFAULT '',
    actor_org_id TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    purpose      TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL DEFAULT 'ok',
    request_id   TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, seq);
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_type, object_id, seq);

CREATE TABLE audit_heads (
    tenant_id UUID PRIMARY KEY,
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);

-- The audit trail is append-only: even the schema owner cannot change or delete an entry without
-- first dropping these triggers, and the hash chain reveals any change made that way.
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE login_flows;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE users;
DROP TABLE locations;
DROP TABLE organisations;
DROP TABLE quarters;
DROP TABLE districts;
DROP TABLE tenants;
