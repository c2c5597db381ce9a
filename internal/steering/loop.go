package steering

import (
	"context"
	"slices"
	"time"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/valid"
)

// The loop view of a theme: one page with the whole chain from the single case to structural
// change — reports over time, the theme and its history, the bodies and meetings that dealt with
// it, its recommendations and their decisions, the offers they created or changed, the referrals
// to those offers and the indicators that watch the effect. It never reads identified case
// data: reports count by month, referrals by offer, both under the disclosure rule.

// loopMaxMonths is how many months the report chart draws at most (the latest ones); the data
// table beside it lists every month.
const loopMaxMonths = 36

// LoopMonth is the number of reports of one month.
type LoopMonth struct {
	Month time.Time // first day, Europe/Berlin
	Count Count
}

// LoopMeeting is a meeting that dealt with the theme: on its agenda, or by a decision about the
// theme or one of its recommendations.
type LoopMeeting struct {
	ID, Title, Body, Status string
	StartsAt                time.Time
	Agenda                  []string // the agenda items about the theme
	Decisions               []string // the decisions about the theme and its recommendations
	bodyID                  string
	decisions               []loopDecision
}

// LoopDecision is a decision about one of the theme's recommendations, shown without its
// meeting to those who may not see the meeting.
type LoopDecision struct {
	Text string
	At   time.Time
}

type loopDecision struct {
	text string
	rec  bool // about a recommendation of the theme
}

// LoopView is the loop view of a theme.
type LoopView struct {
	Theme  *Theme
	Events []ThemeEvent
	// Reports over time: every month from the first report on, the total (as the theme's
	// pages show it, see DiscloseTheme), and the chart of the latest loopMaxMonths months.
	Months  []LoopMonth
	Reports Count
	Peak    *LoopMonth // the month with the most reports, when that count is shown as a number
	Chart   LoopChart
	// ChartFrom is the first month the chart draws when it leaves older months out ("" when it
	// draws them all).
	ChartFrom string
	ChartMax  int // loopMaxMonths
	Bodies    []ThemeBody
	// Meetings that dealt with the theme and that the actor may see, oldest first; Decisions
	// about the theme's recommendations taken in meetings the actor may not see (text and day).
	Meetings        []LoopMeeting
	Decisions       []LoopDecision
	Recommendations []Recommendation // each with its Offers (and their referrals)
	// Offers is every offer created or changed, with the recommendation that did it.
	Offers     []LoopOffer
	Indicators []string // the codes linked by the theme's recommendations
	// Trends are the live trends of those indicators from the integration monitoring (protected
	// and published as one release); TrendsHidden: the role may not see the monitoring's figures.
	Trends       []TrendView
	TrendsHidden bool
	// What the actor may open: bodies and meetings (members and the coordination), offers.
	LinkBodies, LinkMeetings bool
	Min                      int // the disclosure threshold
}

// LoopOffer is an offer in the loop view.
type LoopOffer struct {
	RecOffer
	RecommendationID, Recommendation string
}

// Loop returns the loop view of a theme.
func (s *Service) Loop(ctx context.Context, actor access.Actor, id string) (*LoopView, error) {
	if err := access.Guard(actor, KindTheme, access.View, id, 0); err != nil {
		return nil, err
	}
	v := &LoopView{Min: DisclosureMin, ChartMax: loopMaxMonths, LinkBodies: access.Allowed(actor, KindBody, access.View), LinkMeetings: access.Allowed(actor, KindMeeting, access.View)}
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		if v.Theme, err = s.loadTheme(ctx, tx, actor, access.View, id, 0, false); err != nil {
			return err
		}
		tenant := v.Theme.TenantID
		if err := v.reportsOverTime(ctx, tx, tenant, id); err != nil {
			return err
		}
		if v.Events, err = themeEvents(ctx, tx, tenant, id); err != nil {
			return err
		}
		if v.Bodies, err = themeBodies(ctx, tx, tenant, id); err != nil {
			return err
		}
		if err := v.meetings(ctx, tx, actor, tenant, id); err != nil {
			return err
		}
		if v.Recommendations, err = s.recommendationsOf(ctx, tx, tenant, []string{id}); err != nil {
			return err
		}
		if err := hideMeetings(ctx, tx, actor, v.Recommendations); err != nil {
			return err
		}
		recIDs := make([]string, len(v.Recommendations))
		for i, r := range v.Recommendations {
			recIDs[i] = r.ID
		}
		offers, err := s.recOffers(ctx, tx, tenant, recIDs)
		if err != nil {
			return err
		}
		for i := range v.Recommendations {
			r := &v.Recommendations[i]
			r.Offers = offers[r.ID]
			for _, o := range r.Offers {
				v.Offers = append(v.Offers, LoopOffer{RecOffer: o, RecommendationID: r.ID, Recommendation: r.Title})
			}
		}
		if len(recIDs) > 0 {
			v.Indicators, err = loopStrings(ctx, tx, `SELECT DISTINCT indicator_code FROM recommendation_indicators
				WHERE tenant_id = $1 AND recommendation_id IN (`+db.Placeholders(2, len(recIDs))+`) ORDER BY indicator_code`,
				loopArgs([]any{tenant}, recIDs)...)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// reportsOverTime lists the theme's reports per month, from the month of the first report to
// the current month; the total is the theme's (computed from the same months); the chart draws
// the latest loopMaxMonths months.
func (v *LoopView) reportsOverTime(ctx context.Context, tx *db.Tx, tenantID, themeID string) error {
	v.Reports = v.Theme.Reports
	all, err := themeMonths(ctx, tx, tenantID, []string{themeID})
	counts := all[themeID]
	if err != nil || len(counts) == 0 {
		return err
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	month := func(key string) time.Time {
		t, err := time.ParseInLocation("2006-01", key, valid.Berlin)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	now := tx.Now.In(valid.Berlin)
	first, last := month(keys[0]), time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, valid.Berlin)
	if l := month(keys[len(keys)-1]); l.After(last) {
		last = l
	}
	peak := -1
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		n := counts[m.Format("2006-01")]
		v.Months = append(v.Months, LoopMonth{Month: m, Count: Disclose(n)})
		if n >= DisclosureMin && (peak < 0 || n > counts[v.Months[peak].Month.Format("2006-01")]) {
			peak = len(v.Months) - 1
		}
	}
	if peak >= 0 {
		v.Peak = &v.Months[peak]
	}
	drawn := v.Months
	if len(drawn) > loopMaxMonths {
		drawn = drawn[len(drawn)-loopMaxMonths:]
		v.ChartFrom = drawn[0].Label()
	}
	v.Chart = NewLoopChart(drawn)
	return nil
}

// meetings reads the meetings that dealt with the theme: those the actor may see with title,
// agenda and decisions; of the others only the decisions about the theme's recommendations.
func (v *LoopView) meetings(ctx context.Context, tx *db.Tx, actor access.Actor, tenantID, themeID string) error {
	all, err := loopMeetings(ctx, tx, tenantID, themeID)
	if err != nil {
		return err
	}
	sees, err := meetingSight(ctx, tx, actor)
	if err != nil {
		return err
	}
	for _, m := range all {
		if sees(m.bodyID) {
			v.Meetings = append(v.Meetings, m)
			continue
		}
		for _, d := range m.decisions {
			if d.rec {
				v.Decisions = append(v.Decisions, LoopDecision{Text: d.text, At: m.StartsAt})
			}
		}
	}
	return nil
}

// loopMeetings returns the meetings that dealt with the theme, with the agenda items and
// decisions about it.
func loopMeetings(ctx context.Context, tx *db.Tx, tenantID, themeID string) ([]LoopMeeting, error) {
	ms, err := loopRows(ctx, tx, func(sc loopScanner, m *LoopMeeting) error {
		return sc.Scan(&m.ID, &m.Title, &m.Body, &m.bodyID, &m.Status, &m.StartsAt)
	}, `SELECT m.id, m.title, b.name, CAST(b.id AS TEXT), m.status, m.starts_at FROM meetings m JOIN bodies b ON b.tenant_id = m.tenant_id AND b.id = m.body_id
		WHERE m.tenant_id = $1 AND (
			EXISTS (SELECT 1 FROM meeting_agenda a WHERE a.tenant_id = m.tenant_id AND a.meeting_id = m.id AND a.theme_id = $2)
			OR EXISTS (SELECT 1 FROM meeting_decisions d WHERE d.tenant_id = m.tenant_id AND d.meeting_id = m.id AND (d.theme_id = $2
				OR d.recommendation_id IN (SELECT r.id FROM recommendations r WHERE r.tenant_id = $1 AND r.theme_id = $2))))
		ORDER BY m.starts_at, m.id`, tenantID, themeID)
	if err != nil || len(ms) == 0 {
		return ms, err
	}
	type item struct {
		meeting, text string
		rec           bool
	}
	agenda, err := loopRows(ctx, tx, func(sc loopScanner, i *item) error { return sc.Scan(&i.meeting, &i.text) },
		`SELECT CAST(meeting_id AS TEXT), title FROM meeting_agenda WHERE tenant_id = $1 AND theme_id = $2 ORDER BY meeting_id, position`, tenantID, themeID)
	if err != nil {
		return nil, err
	}
	decisions, err := loopRows(ctx, tx, func(sc loopScanner, i *item) error { return sc.Scan(&i.meeting, &i.text, &i.rec) },
		`SELECT CAST(d.meeting_id AS TEXT), d.text, d.recommendation_id IS NOT NULL FROM meeting_decisions d WHERE d.tenant_id = $1 AND (d.theme_id = $2
			OR d.recommendation_id IN (SELECT r.id FROM recommendations r WHERE r.tenant_id = $1 AND r.theme_id = $2))
		ORDER BY d.meeting_id, d.position`, tenantID, themeID)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		m := &ms[i]
		for _, a := range agenda {
			if a.meeting == m.ID {
				m.Agenda = append(m.Agenda, a.text)
			}
		}
		for _, d := range decisions {
			if d.meeting == m.ID && !slices.Contains(m.Decisions, d.text) {
				m.Decisions = append(m.Decisions, d.text)
				m.decisions = append(m.decisions, loopDecision{text: d.text, rec: d.rec})
			}
		}
	}
	return ms, nil
}

// Label is the month as MM/YYYY.
func (m LoopMonth) Label() string { return m.Month.Format("01/2006") }

// Span returns the first and last month listed.
func (v *LoopView) Span() (string, string) {
	if len(v.Months) == 0 {
		return "", ""
	}
	return v.Months[0].Label(), v.Months[len(v.Months)-1].Label()
}

// FirstMonth and LastMonth are the ends of the span listed (for the templates).
func (v *LoopView) FirstMonth() string { f, _ := v.Span(); return f }

// LastMonth is the last month listed.
func (v *LoopView) LastMonth() string { _, l := v.Span(); return l }
