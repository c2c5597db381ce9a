-- +goose Up
-- The name index for finding a person however the name was written (see internal/names/nameindex).
-- name_subjects holds one row per indexed subject (a client): its organisation, every spelling of
-- its name (Latin, original script, other known spellings; separated by newlines) and the 64-bit
-- hashes of its keys (8 bytes each, big-endian), so that replacing or deleting the subject removes
-- exactly its rows from name_keys without an index on subject_id there.
-- name_keys holds one row per key and subject: the hash of the key string (names.Keys and the
-- whole-name key), the subject's organisation (a search limited to some organisations seeks
-- straight to them), the subject and a copy of its spellings, so that a search scores the
-- candidates from the rows it has read instead of looking each one up. (On SQLite both tables are
-- clustered on their primary key, WITHOUT ROWID.) The foreign key to the subjects themselves
-- (clients) comes with case management.
CREATE TABLE name_subjects (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    subject_id      UUID NOT NULL,
    organisation_id UUID NOT NULL,
    spellings       TEXT NOT NULL,
    key_hashes      BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, subject_id)
);

CREATE TABLE name_keys (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    key_hash        BIGINT NOT NULL,
    organisation_id UUID NOT NULL,
    subject_id      UUID NOT NULL,
    spellings       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key_hash, organisation_id, subject_id)
);

-- +goose Down
DROP TABLE name_keys;
DROP TABLE name_subjects;
