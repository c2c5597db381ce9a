-- +goose Up
-- Barrier reports (Problemanzeigen): structural barriers case managers meet in single cases,
-- reported without identity. A report never names its case: case_key is a keyed hash of the
-- case's pseudonym (key derived from the master key, see internal/steering), so reports of the
-- same case can be counted together but not traced back to it. Free text is checked for the
-- identity of the case's participants before it is saved.

CREATE TABLE barrier_reports (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    id              UUID NOT NULL,
    organisation_id UUID NOT NULL,
    reported_by     TEXT NOT NULL,
    case_key        TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT 'case',
    life_domain     TEXT NOT NULL,
    type            TEXT NOT NULL,
    legal_domains   TEXT NOT NULL DEFAULT ' ',
    description     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'reported',
    close_reason    TEXT NOT NULL DEFAULT '',
    screen_note     TEXT NOT NULL DEFAULT '',
    -- the identity check warned and the case manager confirmed the text as anonymous: the
    -- coordination should check it (cleared when the coordination edits the text)
    identity_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    screened_by     TEXT NOT NULL DEFAULT '',
    screened_at     TIMESTAMPTZ,
    reported_at     TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX barrier_reports_status ON barrier_reports (tenant_id, status, reported_at);
CREATE INDEX barrier_reports_reporter ON barrier_reports (tenant_id, reported_by, reported_at);
CREATE INDEX barrier_reports_case ON barrier_reports (tenant_id, case_key);

-- Organisations involved in the barrier (not the reporting one).
CREATE TABLE barrier_report_orgs (
    tenant_id       UUID NOT NULL,
    report_id       UUID NOT NULL,
    organisation_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, report_id, organisation_id),
    FOREIGN KEY (tenant_id, report_id) REFERENCES barrier_reports (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

-- +goose Down
DROP TABLE barrier_report_orgs;
DROP TABLE barrier_reports;
