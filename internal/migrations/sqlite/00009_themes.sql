-- +goose Up
-- Themes (generative Themen) merged from barrier reports, their assignment to bodies, and the
-- recommendations (Handlungsempfehlungen) drafted for them, with every status change kept.

CREATE TABLE themes (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    id          TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    life_domain TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'candidate',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX themes_status ON themes (tenant_id, status, updated_at);

-- A barrier report belongs to at most one theme.
CREATE TABLE theme_reports (
    tenant_id TEXT NOT NULL,
    theme_id  TEXT NOT NULL,
    report_id TEXT NOT NULL,
    added_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, theme_id, report_id),
    UNIQUE (tenant_id, report_id),
    FOREIGN KEY (tenant_id, theme_id) REFERENCES themes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, report_id) REFERENCES barrier_reports (tenant_id, id)
);

CREATE TABLE theme_bodies (
    tenant_id   TEXT NOT NULL,
    theme_id    TEXT NOT NULL,
    body_id     TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, theme_id, body_id),
    FOREIGN KEY (tenant_id, theme_id) REFERENCES themes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, body_id) REFERENCES bodies (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX theme_bodies_body ON theme_bodies (tenant_id, body_id);

CREATE TABLE theme_events (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    theme_id    TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    actor_id    TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, theme_id) REFERENCES themes (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX theme_events_theme ON theme_events (tenant_id, theme_id, at);

CREATE TABLE recommendations (
    tenant_id           TEXT NOT NULL,
    id                  TEXT NOT NULL,
    theme_id            TEXT NOT NULL,
    body_id             TEXT NOT NULL,
    title               TEXT NOT NULL,
    text                TEXT NOT NULL,
    due_date            TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'draft',
    decision_meeting_id TEXT,
    decided_on          TEXT NOT NULL DEFAULT '',
    feedback            TEXT NOT NULL DEFAULT '',
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, theme_id) REFERENCES themes (tenant_id, id),
    FOREIGN KEY (tenant_id, body_id) REFERENCES bodies (tenant_id, id),
    FOREIGN KEY (tenant_id, decision_meeting_id) REFERENCES meetings (tenant_id, id)
);
CREATE INDEX recommendations_theme ON recommendations (tenant_id, theme_id);
CREATE INDEX recommendations_status ON recommendations (tenant_id, status, updated_at);

CREATE TABLE recommendation_orgs (
    tenant_id         TEXT NOT NULL,
    recommendation_id TEXT NOT NULL,
    organisation_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, recommendation_id, organisation_id),
    FOREIGN KEY (tenant_id, recommendation_id) REFERENCES recommendations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

-- Indicator codes of the monitoring catalogue (issue: integration monitoring) the
-- recommendation's effect is watched by.
CREATE TABLE recommendation_indicators (
    tenant_id         TEXT NOT NULL,
    recommendation_id TEXT NOT NULL,
    indicator_code    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, recommendation_id, indicator_code),
    FOREIGN KEY (tenant_id, recommendation_id) REFERENCES recommendations (tenant_id, id) ON DELETE CASCADE
);

-- Offers a recommendation created or changed (kind 'created' or 'changed').
CREATE TABLE recommendation_offers (
    tenant_id         TEXT NOT NULL,
    recommendation_id TEXT NOT NULL,
    offer_id          TEXT NOT NULL,
    kind              TEXT NOT NULL,
    linked_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, recommendation_id, offer_id),
    FOREIGN KEY (tenant_id, recommendation_id) REFERENCES recommendations (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id)
);
CREATE INDEX recommendation_offers_offer ON recommendation_offers (tenant_id, offer_id);

CREATE TABLE recommendation_events (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    recommendation_id TEXT NOT NULL,
    from_status       TEXT NOT NULL DEFAULT '',
    to_status         TEXT NOT NULL,
    meeting_id        TEXT,
    note              TEXT NOT NULL DEFAULT '',
    actor_id          TEXT NOT NULL,
    at                TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, recommendation_id) REFERENCES recommendations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX recommendation_events_rec ON recommendation_events (tenant_id, recommendation_id, at);

-- +goose Down
DROP TABLE recommendation_events;
DROP TABLE recommendation_offers;
DROP TABLE recommendation_indicators;
DROP TABLE recommendation_orgs;
DROP TABLE recommendations;
DROP TABLE theme_events;
DROP TABLE theme_bodies;
DROP TABLE theme_reports;
DROP TABLE themes;
