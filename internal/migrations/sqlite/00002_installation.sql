-- +goose Up
-- One row per installation: the fingerprint of the master key the data was written with, so
-- that kim refuses to run with a different or a freshly generated key (second-factor secrets
-- would not open and the audit chain would look tampered with).
CREATE TABLE installation (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_fingerprint TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE installation;
