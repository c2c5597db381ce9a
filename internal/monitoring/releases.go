package monitoring

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// Release is one publication of protected tables: through which channel (page, api, pdf,
// xlsx, csv), to whom (audience; empty: the actor's role) and under which title.
type Release struct {
	Channel  string
	Audience string
	Title    string
	Tables   []*Table
}

// Channels are the ways figures leave the database.
var Channels = []string{"page", "api", "pdf", "xlsx", "csv"}

// ctxNoRows is the driver's answer to a query without a row.
var ctxNoRows = sql.ErrNoRows

// errReleaseSuppressed is a table that carries a value in a suppressed cell: a bug of the
// engine, never published.
var errReleaseSuppressed = errors.New("monitoring: a suppressed cell carries a value")

// Publish writes the release to the register of releases. Every figure that leaves the
// database goes through it: pages, API answers, PDF reports and exports.
func (s *Service) Publish(ctx context.Context, actor access.Actor, r Release) error {
	_, err := s.Record(ctx, actor, r)
	return err
}

// Record writes the release to the register like Publish and returns the id of its entry.
// The entry holds the queries and the published cells only: a suppressed cell is stored as
// suppressed without a value, and a table whose suppressed cell carries a value is refused.
func (s *Service) Record(ctx context.Context, actor access.Actor, r Release) (string, error) {
	if actor.TenantID == "" {
		return "", errs.ErrForbidden
	}
	if !slices.Contains(Channels, r.Channel) {
		return "", errs.E(errs.Invalid, "monitoring.context.release.bad_channel")
	}
	content, cells, suppressed, err := releaseContent(r.Tables, s.rule().Min)
	if err != nil {
		return "", errs.Wrap(err)
	}
	audience := ctxClip(web.CleanText(strings.ToValidUTF8(r.Audience, "")), 200)
	if audience == "" {
		audience = string(actor.Role)
	}
	id := ids.New()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO monitoring_releases (tenant_id, id, released_at, released_by, role, channel, audience,
			title, tables, cells, suppressed, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			actor.TenantID, id, tx.Now.UTC(), actor.UserID, string(actor.Role), r.Channel, audience, ctxClip(web.CleanText(strings.ToValidUTF8(r.Title, "")), 300),
			len(r.Tables), cells, suppressed, content)
		return err
	})
	if err != nil {
		return "", errs.Wrap(err)
	}
	return id, nil
}

// ctxClip cuts s to at most n characters, never in the middle of one.
func ctxClip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// ReleaseContent is what the register keeps of a release: the rule it was protected with and
// each table's query and published cells.
type ReleaseContent struct {
	Min    int            `json:"min"`
	Tables []ReleaseTable `json:"tables"`
}

// ReleaseTable is one published table of a release.
type ReleaseTable struct {
	Indicator    string         `json:"indicator"`
	From         string         `json:"from"`
	To           string         `json:"to"`
	By           string         `json:"by,omitempty"`
	District     string         `json:"district,omitempty"`
	Organisation string         `json:"organisation,omitempty"`
	Yearly       bool           `json:"yearly,omitempty"`
	Groups       []ReleaseGroup `json:"groups"`
	Rows         []ReleaseRow   `json:"rows"`
}

// ReleaseGroup is a column of a published table.
type ReleaseGroup struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Translate bool   `json:"translate,omitempty"`
}

// ReleaseRow is the published cells of one period: the total and one cell per group.
type ReleaseRow struct {
	Period string         `json:"period"`
	Total  *ReleaseValue  `json:"total,omitempty"`
	Cells  []ReleaseValue `json:"cells"`
}

// ReleaseValue is one published cell: a value, or suppressed without one.
type ReleaseValue struct {
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed,omitempty"`
}

// releaseContent turns tables into the register's JSON and counts their cells.
func releaseContent(tables []*Table, min int) (content string, cells, suppressed int, err error) {
	c, cells, suppressed, err := releaseContentOf(tables, min)
	if err != nil {
		return "", 0, 0, err
	}
	b, err := json.Marshal(c)
	return string(b), cells, suppressed, err
}

// releaseContentOf keeps of tables their queries and published cells, and counts the cells; a
// suppressed cell with a value is refused (errReleaseSuppressed).
func releaseContentOf(tables []*Table, min int) (c ReleaseContent, cells, suppressed int, err error) {
	c = ReleaseContent{Min: min, Tables: []ReleaseTable{}}
	value := func(cell Cell) (ReleaseValue, error) {
		cells++
		if cell.Suppressed {
			suppressed++
			if cell.Value != nil {
				return ReleaseValue{}, errReleaseSuppressed
			}
			return ReleaseValue{Suppressed: true}, nil
		}
		return ReleaseValue{Value: cell.Value}, nil
	}
	for _, t := range tables {
		if t == nil {
			continue
		}
		rt := ReleaseTable{Indicator: t.Query.Indicator, By: t.Query.By, District: t.Query.District,
			Organisation: t.Query.Organisation, Yearly: t.Query.Yearly, Groups: []ReleaseGroup{}, Rows: []ReleaseRow{}}
		if t.Indicator != nil && rt.Indicator == "" {
			rt.Indicator = t.Indicator.Code
		}
		if t.Query.From.Year > 0 {
			rt.From, rt.To = t.Query.From.String(), t.Query.To.String()
		}
		for _, g := range t.Groups {
			rt.Groups = append(rt.Groups, ReleaseGroup{Key: g.Key, Label: g.Label, Translate: g.Translate})
		}
		for i := range t.Periods {
			row := ReleaseRow{Period: releasePeriod(t, i), Cells: []ReleaseValue{}}
			if i < len(t.Totals) {
				v, err := value(t.Totals[i])
				if err != nil {
					return c, 0, 0, err
				}
				row.Total = &v
			}
			if i < len(t.Cells) {
				for _, cell := range t.Cells[i] {
					v, err := value(cell)
					if err != nil {
						return c, 0, 0, err
					}
					row.Cells = append(row.Cells, v)
				}
			}
			rt.Rows = append(rt.Rows, row)
		}
		c.Tables = append(c.Tables, rt)
	}
	return c, cells, suppressed, nil
}

// releasePeriod is the period of row i of t: the period of its cells ("2026" of a yearly
// table), else the month.
func releasePeriod(t *Table, i int) string {
	if i < len(t.Totals) && t.Totals[i].Period != "" {
		return t.Totals[i].Period
	}
	if i < len(t.Cells) && len(t.Cells[i]) > 0 && t.Cells[i][0].Period != "" {
		return t.Cells[i][0].Period
	}
	if t.Query.Yearly {
		return strconv.Itoa(t.Periods[i].Year)
	}
	return t.Periods[i].String()
}

// ReleaseEntry is one entry of the register of releases.
type ReleaseEntry struct {
	ID         string
	ReleasedAt time.Time
	ReleasedBy string // the account's id
	ByName     string // the account's name (empty when the account is gone)
	Role       string
	Channel    string
	Audience   string
	Title      string
	Tables     int
	Cells      int
	Suppressed int
	Content    *ReleaseContent // only in GetRelease
}

// ReleaseFilter narrows the register: a channel and a range of days (YYYY-MM-DD, Berlin time).
type ReleaseFilter struct {
	Channel  string
	From, To string
}

// ReleaseSortKeys are the sort keys of the register (the first is the default).
var ReleaseSortKeys = []string{"released", "channel", "title", "cells"}

// Validate checks the filter's values.
func (f ReleaseFilter) Validate() error {
	var v errs.Validation
	if f.Channel != "" && !slices.Contains(Channels, f.Channel) {
		v.Add("kanal", "monitoring.context.release.bad_channel")
	}
	from, okFrom := releaseParseDay(f.From)
	to, okTo := releaseParseDay(f.To)
	if !okFrom {
		v.Add("von", "monitoring.context.release.bad_day")
	}
	if !okTo {
		v.Add("bis", "monitoring.context.release.bad_day")
	}
	if okFrom && okTo && !from.IsZero() && !to.IsZero() && to.Before(from) {
		v.Add("bis", "monitoring.context.release.to_before_from")
	}
	return v.Err()
}

// releaseParseDay reads an optional day (YYYY-MM-DD) as the start of that day in Berlin.
func releaseParseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, web.Berlin)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, false
	}
	return t, true
}

const releaseCols = `r.id, r.released_at, r.released_by, COALESCE((SELECT u.name FROM users u WHERE u.tenant_id = r.tenant_id
	AND CAST(u.id AS TEXT) = r.released_by), ''), r.role, r.channel, r.audience, r.title, r.tables, r.cells, r.suppressed`

func scanRelease(row db.Scanner, e *ReleaseEntry) error {
	return row.Scan(&e.ID, &e.ReleasedAt, &e.ReleasedBy, &e.ByName, &e.Role, &e.Channel, &e.Audience, &e.Title, &e.Tables, &e.Cells, &e.Suppressed)
}

// ListReleases returns a page of the register of the actor's tenant (access: KindRelease
// List). An invalid filter is ignored field by field (the page names it).
func (s *Service) ListReleases(ctx context.Context, actor access.Actor, q web.ListQuery, f ReleaseFilter) ([]ReleaseEntry, int, error) {
	if err := access.Check(actor, KindRelease, access.List); err != nil {
		return nil, 0, err
	}
	where, args := "r.tenant_id = $1", []any{actor.TenantID}
	if slices.Contains(Channels, f.Channel) {
		args = append(args, f.Channel)
		where += " AND r.channel = $" + strconv.Itoa(len(args))
	}
	if t, ok := releaseParseDay(f.From); ok && !t.IsZero() {
		args = append(args, t.UTC())
		where += " AND r.released_at >= $" + strconv.Itoa(len(args))
	}
	if t, ok := releaseParseDay(f.To); ok && !t.IsZero() {
		args = append(args, t.AddDate(0, 0, 1).UTC())
		where += " AND r.released_at < $" + strconv.Itoa(len(args))
	}
	var (
		out   []ReleaseEntry
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM monitoring_releases r WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		order := q.OrderBy(map[string]string{"released": "r.released_at", "channel": "r.channel", "title": "r.title", "cells": "r.cells"}, "r.id")
		out, err = db.QueryAll(ctx, tx, scanRelease, "SELECT "+releaseCols+" FROM monitoring_releases r WHERE "+where+" ORDER BY "+order+
			" LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		return err
	})
	return out, total, errs.Wrap(err)
}

// GetRelease returns one entry of the register with its content (access: KindRelease View).
func (s *Service) GetRelease(ctx context.Context, actor access.Actor, id string) (*ReleaseEntry, error) {
	if err := access.Check(actor, KindRelease, access.View); err != nil {
		return nil, err
	}
	if !ids.Valid(id) {
		return nil, errs.ErrNotFound
	}
	e := &ReleaseEntry{}
	var content string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT "+releaseCols+", r.content FROM monitoring_releases r WHERE r.tenant_id = $1 AND r.id = $2",
			actor.TenantID, id).Scan(&e.ID, &e.ReleasedAt, &e.ReleasedBy, &e.ByName, &e.Role, &e.Channel, &e.Audience, &e.Title,
			&e.Tables, &e.Cells, &e.Suppressed, &content)
	})
	if errors.Is(err, ctxNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err)
	}
	e.Content = &ReleaseContent{}
	if err := json.Unmarshal([]byte(content), e.Content); err != nil {
		return nil, errs.Wrap(err)
	}
	return e, nil
}

// releaseRoleLabel is the message id of a role or audience, or "" for a free text.
func releaseRoleLabel(s string) string {
	if slices.Contains(access.Roles, access.Role(s)) {
		return "role." + s
	}
	return ""
}

// ctxFold folds s for comparisons of names.
func ctxFold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
