-- +goose Up
-- The offer directory (Angebote): what the partners of the network offer, shown to staff and,
-- once published, on the public page /angebote and the public API. Lists of codes (life
-- domains, target groups, languages) are stored as space-separated text with a space at each
-- end (' de ar '), so that a filter is one LIKE '% code %'. An offer holds no personal data.

CREATE TABLE offers (
    tenant_id        UUID NOT NULL REFERENCES tenants (id),
    id               UUID NOT NULL,
    organisation_id  UUID NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    life_domains     TEXT NOT NULL DEFAULT ' ',
    target_groups    TEXT NOT NULL DEFAULT ' ',
    languages        TEXT NOT NULL DEFAULT ' ',
    citywide         BOOLEAN NOT NULL DEFAULT FALSE,
    opening_hours    TEXT NOT NULL DEFAULT '',
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    website          TEXT NOT NULL DEFAULT '',
    costs            TEXT NOT NULL DEFAULT 'free',
    costs_note       TEXT NOT NULL DEFAULT '',
    step_free        BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from       TEXT NOT NULL DEFAULT '',
    valid_to         TEXT NOT NULL DEFAULT '',
    published        BOOLEAN NOT NULL DEFAULT FALSE,
    -- Title and description in every language, lower-cased by the application (Unicode case
    -- folding, which SQLite's lower() lacks): what the free-text search looks in.
    search_text      TEXT NOT NULL DEFAULT '',
    -- The title as lists sort it: lower-cased with accents folded by the application („Ärzte“
    -- next to „Arbeit“), compared byte by byte on both engines.
    sort_title       TEXT COLLATE "C" NOT NULL DEFAULT '',
    archived_at      TIMESTAMPTZ,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX offers_org ON offers (tenant_id, organisation_id);
CREATE INDEX offers_title ON offers (tenant_id, sort_title);

-- Districts an offer serves (none and citywide = whole city).
CREATE TABLE offer_districts (
    tenant_id   UUID NOT NULL,
    offer_id    UUID NOT NULL,
    district_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, offer_id, district_id),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, district_id) REFERENCES districts (tenant_id, id)
);
CREATE INDEX offer_districts_district ON offer_districts (tenant_id, district_id);

-- Locations where an offer takes place.
CREATE TABLE offer_locations (
    tenant_id   UUID NOT NULL,
    offer_id    UUID NOT NULL,
    location_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, offer_id, location_id),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);

-- Title and description of an offer in a further language of the public page.
CREATE TABLE offer_texts (
    tenant_id   UUID NOT NULL,
    offer_id    UUID NOT NULL,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, offer_id, lang),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id) ON DELETE CASCADE
);

-- The loop view counts the referrals to each offer.
CREATE INDEX referrals_offer ON referrals (tenant_id, offer_id);

-- +goose Down
DROP INDEX referrals_offer;
DROP TABLE offer_texts;
DROP TABLE offer_locations;
DROP TABLE offer_districts;
DROP TABLE offers;
