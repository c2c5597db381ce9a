-- +goose Up
-- Bodies (Gremien) of the steering structure with their members, and their meetings with
-- agenda, attendance, minutes and decisions. Members are named persons of partner
-- organisations (with an account or without); calendar feeds are reached by a secret token.

CREATE TABLE bodies (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    mandate     TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX bodies_name ON bodies (tenant_id, name);

CREATE TABLE body_members (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    body_id         TEXT NOT NULL,
    user_id         TEXT,
    person_name     TEXT NOT NULL,
    email           TEXT NOT NULL DEFAULT '',
    organisation_id TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'member',
    deputy_name     TEXT NOT NULL DEFAULT '',
    deputy_user_id  TEXT,
    -- The day (YYYY-MM-DD) from which the person belongs to the body: the meetings of a
    -- body list its members of that day (the day of entry unless the coordination gives an
    -- earlier one, so that past meetings can be recorded).
    since           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    -- A member who left the body keeps the attendance of past meetings.
    removed_at      TIMESTAMP,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, body_id) REFERENCES bodies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX body_members_body ON body_members (tenant_id, body_id);
CREATE INDEX body_members_user ON body_members (tenant_id, user_id);

CREATE TABLE meetings (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    body_id     TEXT NOT NULL,
    title       TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'planned',
    minutes     TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, body_id) REFERENCES bodies (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX meetings_body ON meetings (tenant_id, body_id, starts_at);

-- Agenda items; theme_id points to a theme (table themes, migration 00009) when the item is one.
CREATE TABLE meeting_agenda (
    tenant_id  TEXT NOT NULL,
    meeting_id TEXT NOT NULL,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    theme_id   TEXT,
    PRIMARY KEY (tenant_id, meeting_id, position),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE meeting_attendance (
    tenant_id  TEXT NOT NULL,
    meeting_id TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, meeting_id, member_id),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES body_members (tenant_id, id) ON DELETE CASCADE
);

-- Decisions taken in a meeting; theme_id and recommendation_id (migration 00009) when the
-- decision concerns one.
CREATE TABLE meeting_decisions (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    meeting_id        TEXT NOT NULL,
    position          INTEGER NOT NULL,
    text              TEXT NOT NULL,
    theme_id          TEXT,
    recommendation_id TEXT,
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, meeting_id) REFERENCES meetings (tenant_id, id) ON DELETE CASCADE
);
-- One decision per number in a meeting (the meeting row is locked while the next number is taken).
CREATE UNIQUE INDEX meeting_decisions_position ON meeting_decisions (tenant_id, meeting_id, position);

-- The personal calendar feed of an account: the SHA-256 hash of the secret token in its
-- address (the token itself is shown once and never stored). Renewing replaces the row, so
-- the old address stops working.
CREATE TABLE calendar_feeds (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Set when an address was requested and not yet shown: the page reached once after the
    -- request issues the token that is shown (and stored as its hash only).
    reveal_until TIMESTAMP,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE meeting_decisions;
DROP TABLE meeting_attendance;
DROP TABLE meeting_agenda;
DROP TABLE meetings;
DROP TABLE body_members;
DROP TABLE bodies;
