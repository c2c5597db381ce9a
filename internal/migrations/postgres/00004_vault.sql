-- +goose Up
-- Per-tenant data keys for encryption at rest (see internal/platform/vault). Each row holds a
-- random 256-bit data key wrapped (AES-256-GCM) under a key derived from the master key, bound to
-- its tenant and id. The newest key that is not retired encrypts new values; a retired key no
-- longer protects any value kim knows of, but stays so that a value it missed still opens.
CREATE TABLE data_keys (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    id         UUID NOT NULL,
    wrapped    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    retired_at TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE data_keys;
