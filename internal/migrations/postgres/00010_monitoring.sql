-- +goose Up
-- Integration monitoring (Baustein 1): the register of releases (every table of figures that
-- left the database: when, through which channel, to whom, with the published cells), context
-- statistics imported from official sources, staffing and funding figures per organisation and
-- year, dashboards saved by the coordination and linked to themes or bodies, and the annual
-- report as a job with progress and text blocks. Indicator values themselves are never stored:
-- they are computed live from the case data.

CREATE TABLE monitoring_releases (
    tenant_id     UUID NOT NULL REFERENCES tenants (id),
    id            UUID NOT NULL,
    released_at   TIMESTAMPTZ NOT NULL,
    released_by   TEXT NOT NULL,
    role          TEXT NOT NULL,
    channel       TEXT NOT NULL,            -- page, api, pdf, xlsx, csv
    audience      TEXT NOT NULL DEFAULT '', -- to whom (e.g. the steering group), else the role
    title         TEXT NOT NULL DEFAULT '',
    tables        INTEGER NOT NULL,
    cells         INTEGER NOT NULL,
    suppressed    INTEGER NOT NULL,
    content       TEXT NOT NULL,            -- JSON: the queries and the published cells
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX monitoring_releases_at ON monitoring_releases (tenant_id, released_at);

CREATE TABLE context_imports (
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    id          UUID NOT NULL,
    filename    TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    rows        INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One official figure: period 'YYYY' or 'YYYY-MM', spatial unit a district of the tenant or
-- the whole city (''), indicator a code such as population or population_foreign. A later
-- import replaces the figure with the same key.
CREATE TABLE context_values (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    period       TEXT NOT NULL,
    district_id  TEXT NOT NULL DEFAULT '',
    indicator    TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    import_id    UUID NOT NULL,
    PRIMARY KEY (tenant_id, indicator, period, district_id),
    FOREIGN KEY (tenant_id, import_id) REFERENCES context_imports (tenant_id, id)
);

-- Staffing and funding per organisation and year: the full-time posts of case management
-- (funded and occupied), vacancy days, trainings and funds spent, for the caseload per post and
-- the funding report (Verwendungsnachweis).
CREATE TABLE funding_figures (
    tenant_id       UUID NOT NULL,
    organisation_id UUID NOT NULL,
    year            INTEGER NOT NULL,
    fte_funded      DOUBLE PRECISION NOT NULL DEFAULT 0,
    fte_occupied    DOUBLE PRECISION NOT NULL DEFAULT 0,
    vacancy_days    INTEGER NOT NULL DEFAULT 0,
    trainings       INTEGER NOT NULL DEFAULT 0,
    funds_cents     INTEGER NOT NULL DEFAULT 0,
    updated_by      TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, organisation_id, year),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);

CREATE TABLE monitoring_dashboards (
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    id              UUID NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    from_month      TEXT NOT NULL,
    to_month        TEXT NOT NULL,
    filter_district TEXT NOT NULL DEFAULT '',     -- a district id or all
    filter_org      TEXT NOT NULL DEFAULT '',     -- an organisation id or all
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id)
);

-- The charts of a dashboard in order: an indicator, its breakdown and the chart kind.
CREATE TABLE monitoring_dashboard_panels (
    tenant_id    UUID NOT NULL,
    dashboard_id UUID NOT NULL,
    position     INTEGER NOT NULL,
    indicator    TEXT NOT NULL,
    breakdown    TEXT NOT NULL DEFAULT '',
    chart        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, dashboard_id, position),
    FOREIGN KEY (tenant_id, dashboard_id) REFERENCES monitoring_dashboards (tenant_id, id) ON DELETE CASCADE
);

-- A dashboard linked to a theme or a body (target_kind theme or body).
CREATE TABLE monitoring_dashboard_links (
    tenant_id    UUID NOT NULL,
    dashboard_id UUID NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    linked_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, dashboard_id, target_kind, target_id),
    FOREIGN KEY (tenant_id, dashboard_id) REFERENCES monitoring_dashboards (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX monitoring_dashboard_links_target ON monitoring_dashboard_links (tenant_id, target_kind, target_id);

-- The coordinator's text blocks of the annual report of a year, per section.
CREATE TABLE monitoring_report_texts (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    year       INTEGER NOT NULL,
    section    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, year, section)
);

-- An annual report generated as a job: status queued, running, done or failed, progress in
-- percent with the current step, the PDF when done.
CREATE TABLE monitoring_reports (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    id           UUID NOT NULL,
    year         INTEGER NOT NULL,
    audience     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    progress     INTEGER NOT NULL DEFAULT 0,
    step         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    pdf          BYTEA,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX monitoring_reports_at ON monitoring_reports (tenant_id, requested_at);

-- The monitoring counts cases by the month of their request and their closure, and the cases
-- open at a month's end (found by their closing date: open, or closed after the range's start).
-- The indexes cover the columns the indicators read, so that the live aggregates never touch
-- the wide case, client, referral and goal rows: each source is one index range scan (the
-- cases open in a range are two: still open, and closed after its start), the client's
-- attributes one scan of clients_monitoring per dashboard, and a referral's or goal's case is
-- found in cases_monitoring. cases_state serves the state-wide aggregate over all tenants: by
-- the month of the request, so that its groups (month, tenant) are read in index order.
CREATE INDEX cases_requested ON cases (tenant_id, requested_on, organisation_id, client_id, access_route);
CREATE INDEX cases_closed ON cases (tenant_id, closed_on, requested_on, organisation_id, client_id, case_manager_id, close_reason, id);
CREATE INDEX cases_monitoring ON cases (tenant_id, id, organisation_id, client_id);
CREATE INDEX cases_state ON cases ((substr(requested_on, 1, 7)), tenant_id, client_id);
CREATE INDEX clients_monitoring ON clients (tenant_id, id, district_id, sex, birth_date, stateless, nationalities);
CREATE INDEX referrals_sent ON referrals (tenant_id, sent_on, case_id, status, to_org_id, offer_id);
CREATE INDEX referrals_answered ON referrals (tenant_id, answered_on, case_id, sent_on, to_org_id, offer_id);
CREATE INDEX goals_evaluated ON goals (tenant_id, evaluated_on, status, case_id, domain);

-- +goose Down
DROP INDEX goals_evaluated;
DROP INDEX referrals_answered;
DROP INDEX referrals_sent;
DROP INDEX clients_monitoring;
DROP INDEX cases_state;
DROP INDEX cases_monitoring;
DROP INDEX cases_closed;
DROP INDEX cases_requested;
DROP TABLE monitoring_reports;
DROP TABLE monitoring_report_texts;
DROP TABLE monitoring_dashboard_links;
DROP TABLE monitoring_dashboard_panels;
DROP TABLE monitoring_dashboards;
DROP TABLE funding_figures;
DROP TABLE context_values;
DROP TABLE context_imports;
DROP TABLE monitoring_releases;
