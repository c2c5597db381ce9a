-- +goose Up
-- Case management (Baustein 2): clients with their household, residence-status history and
-- consents; cases with participants, status history, assessment, plan (goals and tasks),
-- contacts, referrals with single-use partner links, legal-domain transitions and documents.
-- Dates without a time of day (birth dates, due dates) are ISO text 'YYYY-MM-DD' (a birth date
-- may be a year 'YYYY'); free text that can hold special-category content is stored encrypted
-- (BLOB/BYTEA columns, see internal/platform/vault). Every table leads its key with tenant_id.

CREATE TABLE clients (
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    id               TEXT NOT NULL,
    organisation_id  TEXT NOT NULL,
    pseudonym        TEXT NOT NULL,
    given_names      TEXT NOT NULL DEFAULT '',
    family_name      TEXT NOT NULL,
    name_original    TEXT NOT NULL DEFAULT '',
    other_spellings  TEXT NOT NULL DEFAULT '',
    birth_date       TEXT NOT NULL DEFAULT '',
    sex              TEXT NOT NULL DEFAULT 'u',
    nationalities    TEXT NOT NULL DEFAULT '',
    stateless        BOOLEAN NOT NULL DEFAULT FALSE,
    country_of_birth TEXT NOT NULL DEFAULT '',
    languages        TEXT NOT NULL DEFAULT '',
    german_level     TEXT NOT NULL DEFAULT '',
    interpreter      TEXT NOT NULL DEFAULT '',
    arrived_germany  TEXT NOT NULL DEFAULT '',
    arrived_city     TEXT NOT NULL DEFAULT '',
    street           TEXT NOT NULL DEFAULT '',
    postcode         TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    district_id      TEXT,
    quarter_id       TEXT,
    phone            TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    messenger        TEXT NOT NULL DEFAULT '',
    benefit_regime   TEXT NOT NULL DEFAULT 'unknown',
    other_cm         TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, pseudonym),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, district_id) REFERENCES districts (tenant_id, id),
    FOREIGN KEY (tenant_id, quarter_id) REFERENCES quarters (tenant_id, id)
);
CREATE INDEX clients_org_name ON clients (tenant_id, organisation_id, family_name);
CREATE INDEX clients_org_birth ON clients (tenant_id, organisation_id, birth_date);

CREATE TABLE household_members (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    member_id      TEXT,
    name           TEXT NOT NULL DEFAULT '',
    relationship   TEXT NOT NULL,
    birth_date     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES clients (tenant_id, id) ON DELETE SET NULL
);
CREATE INDEX household_members_client ON household_members (tenant_id, client_id);

CREATE TABLE residence_statuses (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    type            TEXT NOT NULL,
    legal_basis     TEXT NOT NULL DEFAULT '',
    issued_on       TEXT NOT NULL DEFAULT '',
    valid_until     TEXT NOT NULL DEFAULT '',
    document_expiry TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT 'statement',
    recorded_by     TEXT NOT NULL,
    recorded_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX residence_statuses_client ON residence_statuses (tenant_id, client_id, recorded_at);

CREATE TABLE admission_criteria (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    label      TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE cases (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    case_number     TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    status          TEXT NOT NULL,
    access_route    TEXT NOT NULL,
    admission       TEXT NOT NULL DEFAULT '',
    admission_note  BLOB,
    case_manager_id TEXT NOT NULL,
    deputy_id       TEXT,
    location_id     TEXT,
    urgency         TEXT NOT NULL DEFAULT 'normal',
    requested_on    TEXT NOT NULL,
    review_on       TEXT NOT NULL DEFAULT '',
    closed_on       TEXT NOT NULL DEFAULT '',
    close_reason    TEXT NOT NULL DEFAULT '',
    close_note      BLOB,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, organisation_id, case_number),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    FOREIGN KEY (tenant_id, case_manager_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, deputy_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);
CREATE INDEX cases_manager ON cases (tenant_id, case_manager_id, status);
CREATE INDEX cases_deputy ON cases (tenant_id, deputy_id, status);
CREATE INDEX cases_org ON cases (tenant_id, organisation_id, status);
CREATE INDEX cases_client ON cases (tenant_id, client_id);

CREATE TABLE case_participants (
    tenant_id  TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    role       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, case_id, client_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id)
);
CREATE INDEX case_participants_client ON case_participants (tenant_id, client_id);

CREATE TABLE case_events (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    note        BLOB,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_events_case ON case_events (tenant_id, case_id, at);

CREATE TABLE case_access_grants (
    tenant_id  TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, case_id, user_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE consents (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    case_id         TEXT,
    purpose         BLOB NOT NULL,
    categories      TEXT NOT NULL DEFAULT '',
    special         TEXT NOT NULL DEFAULT '',
    direction       TEXT NOT NULL,
    form_version    TEXT NOT NULL,
    language        TEXT NOT NULL,
    interpreter     TEXT NOT NULL DEFAULT '',
    given_on        TEXT NOT NULL,
    valid_until     TEXT NOT NULL DEFAULT '',
    until_closure   BOOLEAN NOT NULL DEFAULT FALSE,
    revoked_at      TIMESTAMP,
    revoked_by      TEXT NOT NULL DEFAULT '',
    revocation_channel TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX consents_client ON consents (tenant_id, client_id);

CREATE TABLE consent_recipients (
    tenant_id       TEXT NOT NULL,
    consent_id      TEXT NOT NULL,
    position        INTEGER NOT NULL,
    organisation_id TEXT,
    person          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, consent_id, position),
    FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX consent_recipients_org ON consent_recipients (tenant_id, organisation_id);

CREATE TABLE assessments (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    domain      TEXT NOT NULL,
    urgency     TEXT NOT NULL DEFAULT 'none',
    situation   BLOB,
    needs       BLOB,
    resources   BLOB,
    client_view BLOB,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, domain),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE goals (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    domain       TEXT NOT NULL,
    text         BLOB NOT NULL,
    indicator    BLOB,
    target_on    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open',
    evaluation   BLOB,
    evaluated_on TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX goals_case ON goals (tenant_id, case_id);

CREATE TABLE tasks (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    goal_id        TEXT,
    title          BLOB NOT NULL,
    responsible    TEXT NOT NULL,
    partner_org_id TEXT,
    due_on         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'open',
    done_on        TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, goal_id) REFERENCES goals (tenant_id, id) ON DELETE SET NULL,
    FOREIGN KEY (tenant_id, partner_org_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX tasks_case ON tasks (tenant_id, case_id, status, due_on);
CREATE INDEX tasks_due ON tasks (tenant_id, status, due_on);

CREATE TABLE contacts (
    tenant_id        TEXT NOT NULL,
    id               TEXT NOT NULL,
    case_id          TEXT NOT NULL,
    contact_on       TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    mode             TEXT NOT NULL,
    interpreter      TEXT NOT NULL DEFAULT 'none',
    interpreter_lang TEXT NOT NULL DEFAULT '',
    domains          TEXT NOT NULL DEFAULT '',
    note             BLOB,
    follow_up_on     TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX contacts_case ON contacts (tenant_id, case_id, contact_on);

CREATE TABLE referrals (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    to_org_id    TEXT NOT NULL,
    offer_id     TEXT,
    service      BLOB,
    consent_id   TEXT NOT NULL,
    message      BLOB,
    status       TEXT NOT NULL,
    sent_on      TEXT NOT NULL,
    answer_due   TEXT NOT NULL,
    answered_on  TEXT NOT NULL DEFAULT '',
    answer_note  BLOB,
    done_on      TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, to_org_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id)
);
CREATE INDEX referrals_case ON referrals (tenant_id, case_id);
CREATE INDEX referrals_to ON referrals (tenant_id, to_org_id, status);

CREATE TABLE referral_links (
    tenant_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    referral_id TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX referral_links_token ON referral_links (token_hash);

CREATE TABLE transitions (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    from_regime TEXT NOT NULL,
    to_regime   TEXT NOT NULL,
    trigger_kind TEXT NOT NULL,
    trigger_on  TEXT NOT NULL,
    checklist   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'expected',
    gap_from    TEXT NOT NULL DEFAULT '',
    gap_until   TEXT NOT NULL DEFAULT '',
    gap_kind    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX transitions_case ON transitions (tenant_id, case_id);

CREATE TABLE documents (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    special      BOOLEAN NOT NULL DEFAULT FALSE,
    name         BLOB NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX documents_case ON documents (tenant_id, case_id);

-- +goose Down
DROP TABLE documents;
DROP TABLE transitions;
DROP TABLE referral_links;
DROP TABLE referrals;
DROP TABLE contacts;
DROP TABLE tasks;
DROP TABLE goals;
DROP TABLE assessments;
DROP TABLE consent_recipients;
DROP TABLE consents;
DROP TABLE case_access_grants;
DROP TABLE case_events;
DROP TABLE case_participants;
DROP TABLE cases;
DROP TABLE admission_criteria;
DROP TABLE residence_statuses;
DROP TABLE household_members;
DROP TABLE clients;
