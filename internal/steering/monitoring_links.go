package steering

import (
	"context"
	"html/template"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/errs"
	"kim/internal/platform/i18n"
	"kim/internal/platform/ids"
	"kim/internal/platform/web"
)

// The steering loop and the integration monitoring: dashboards are linked to themes and bodies
// (the monitoring asks for the targets through LinkTargetTitle and LinkTargetChoices; the theme
// and body pages list the linked dashboards through DashboardLinks), and recommendations name
// indicators of the monitoring's catalogue, whose trend the loop view shows (Indicators). The
// steering room does not import the monitoring: the app wires both interfaces.

// DashboardLinks lists the monitoring's dashboards linked to a theme or a body.
type DashboardLinks interface {
	// LinkedDashboards returns the dashboards linked to the theme or body (kind "theme" or
	// "body") that the actor may open; none for a role that may not see dashboards.
	LinkedDashboards(ctx context.Context, actor access.Actor, kind, id string) ([]LinkedDashboard, error)
}

// LinkedDashboard is a dashboard as the theme and body pages list it.
type LinkedDashboard struct {
	ID, Title string
}

// Indicators is the monitoring's indicator catalogue and its live trends.
type Indicators interface {
	// IndicatorChoices lists the indicators of the catalogue (value: code, label: name in lang).
	IndicatorChoices(lang string) []web.Option
	// KnownIndicator reports whether code is an indicator of the catalogue.
	KnownIndicator(code string) bool
	// Trends computes the protected trend (the last months up to the current one) of each
	// indicator, published as one release titled title; errs.ErrForbidden for a role that may
	// not see the monitoring's figures.
	Trends(ctx context.Context, actor access.Actor, l *i18n.Localizer, codes []string, title string) ([]TrendView, error)
}

// TrendView is the trend of one indicator: a line chart (SVG, with its title and summary), the
// data table and a text summary for screen readers.
type TrendView struct {
	Code, Name string
	SVG        template.HTML
	Summary    string
	Head       []string // the columns of the table after the month
	Rows       []TrendRow
}

// TrendRow is one month of a trend's data table.
type TrendRow struct {
	Period string
	Cells  []string
}

// Link target kinds.
const (
	linkTheme = "theme"
	linkBody  = "body"
)

// LinkTargetTitle returns the title of a theme or the name of an active body of the actor's
// tenant that the actor sees, or errs.ErrNotFound.
func (s *Service) LinkTargetTitle(ctx context.Context, actor access.Actor, kind, id string) (string, error) {
	if !ids.Valid(id) {
		return "", errs.ErrNotFound
	}
	var q string
	var args []any
	switch {
	case kind == linkTheme && access.Allowed(actor, KindTheme, access.View):
		own, ownArgs := ownThemes(actor, "t.id", 3)
		q, args = "SELECT t.title FROM themes t WHERE t.tenant_id = $1 AND t.id = $2 AND "+own, append([]any{actor.TenantID, id}, ownArgs...)
	case kind == linkBody && access.Allowed(actor, KindBody, access.View):
		q, args = "SELECT b.name FROM bodies b WHERE b.tenant_id = $1 AND b.id = $2 AND b.active", []any{actor.TenantID, id}
	default:
		return "", errs.ErrNotFound
	}
	var title string
	err := s.DB.Read(ctx, func(tx *db.Tx) error { return tx.QueryRowContext(ctx, q, args...).Scan(&title) })
	if loopNoRows(err) {
		return "", errs.ErrNotFound
	}
	return title, err
}

// LinkTargetChoices lists the themes (every status) and the active bodies the actor sees, as
// choices of a link (value: the id, label: the title); none of a kind the role may not see.
func (s *Service) LinkTargetChoices(ctx context.Context, actor access.Actor) (themes, bodies []web.Option, err error) {
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		if access.Allowed(actor, KindTheme, access.List) {
			list, err := themeChoices(ctx, tx, actor, true)
			if err != nil {
				return err
			}
			themes = choiceOptions(list)
		}
		if access.Allowed(actor, KindBody, access.List) {
			list, err := bodyChoices(ctx, tx, actor, false)
			if err != nil {
				return err
			}
			bodies = choiceOptions(list)
		}
		return nil
	})
	return themes, bodies, err
}

// linkedDashboards returns the dashboards linked to a theme or body for its page (none when
// the monitoring is not wired).
func (s *Service) linkedDashboards(ctx context.Context, actor access.Actor, kind, id string) ([]LinkedDashboard, error) {
	if s.Dashboards == nil {
		return nil, nil
	}
	return s.Dashboards.LinkedDashboards(ctx, actor, kind, id)
}

// knownIndicators checks the indicator codes of a recommendation against the catalogue (when
// the monitoring is wired).
func (s *Service) knownIndicators(codes []string) error {
	if s.Indicators == nil {
		return nil
	}
	for _, c := range codes {
		if !s.Indicators.KnownIndicator(c) {
			return themeFail("indicator_codes", "steering.rec.indicator_unknown", "Code", c)
		}
	}
	return nil
}
