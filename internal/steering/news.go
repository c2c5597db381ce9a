package steering

import (
	"context"
	"strconv"
	"strings"
	"time"

	"kim/internal/offers"
	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/platform/web"
)

// The news page of case managers: what changed because of their barrier reports. For every
// theme that holds one of the reports the actor may list (a case manager's own, a team lead's
// organisation's), the recommendations that were decided and the offers they created or
// changed; and the reports' own steps (screened, merged into a theme, closed).

// NewsDays is the span of the start page's count of news.
const NewsDays = 30

// newsRecStatuses are the states of a decided recommendation; newsOfferStatuses those of an
// adopted one, whose offers are news.
var (
	newsRecStatuses   = []string{RecAdopted, RecRejected, RecDeferred, RecInImplementation, RecImplemented, RecEvaluated}
	newsOfferStatuses = []string{RecAdopted, RecInImplementation, RecImplemented, RecEvaluated}
)

// News kinds.
const (
	NewsRecommendation = "recommendation"
	NewsOffer          = "offer"
	NewsReport         = "report"
)

// NewsItem is one entry of the news page.
type NewsItem struct {
	Kind string
	At   time.Time
	// The theme the news belongs to (recommendations, offers, reports merged into it).
	ThemeID, ThemeTitle string
	// A decided recommendation, or the one that created or changed an offer.
	RecommendationID, RecTitle, RecStatus, DecidedOn, Feedback string
	// An offer created or changed ("created", "changed"), with the page the actor may open:
	// the public page of a published offer, the management page for those who keep offers,
	// or none.
	Offer     *OfferInfo
	OfferKind string
	OfferHref string
	// One of the actor's reports that moved on.
	Report *Report
}

// newsQuery is the union of the news of the reports in the actor's scope, newest first, each
// as kind, two ids and the time it happened. It takes the tenant as $1 and the scope's
// arguments from $2.
func newsQuery(actor access.Actor) (string, []any) {
	scope := access.Scope(actor, KindBarrierReport, access.List, "r", 2)
	quoted := func(list []string) string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = "'" + s + "'"
		}
		return strings.Join(out, ", ")
	}
	q := `WITH mine AS (SELECT r.id, r.status, r.updated_at FROM (SELECT b.*, b.reported_by AS user_id FROM barrier_reports b) r
			WHERE r.tenant_id = $1 AND ` + scope.SQL + `),
		mythemes AS (SELECT DISTINCT tr.theme_id FROM theme_reports tr JOIN mine m ON m.id = tr.report_id WHERE tr.tenant_id = $1)
	SELECT kind, a, b, at FROM (
		SELECT 'recommendation' AS kind, CAST(rc.id AS TEXT) AS a, '' AS b,
			COALESCE((SELECT max(e.at) FROM recommendation_events e WHERE e.tenant_id = rc.tenant_id AND e.recommendation_id = rc.id), rc.updated_at) AS at
		FROM recommendations rc WHERE rc.tenant_id = $1 AND rc.status IN (` + quoted(newsRecStatuses) + `)
			AND rc.theme_id IN (SELECT theme_id FROM mythemes)
		UNION ALL
		SELECT 'offer', CAST(ro.recommendation_id AS TEXT), CAST(ro.offer_id AS TEXT), ro.linked_at
		FROM recommendation_offers ro JOIN recommendations rc ON rc.tenant_id = ro.tenant_id AND rc.id = ro.recommendation_id
		WHERE ro.tenant_id = $1 AND rc.status IN (` + quoted(newsOfferStatuses) + `) AND rc.theme_id IN (SELECT theme_id FROM mythemes)
		UNION ALL
		SELECT 'report', CAST(m.id AS TEXT), '', m.updated_at FROM mine m WHERE m.status <> 'reported'
	) n`
	return q, append([]any{actor.TenantID}, scope.Args...)
}

// CountNews returns the number of news items of the last NewsDays days, for the start page.
func (s *Service) CountNews(ctx context.Context, actor access.Actor) (int, error) {
	if err := access.Check(actor, KindBarrierReport, access.List); err != nil {
		return 0, err
	}
	q, args := newsQuery(actor)
	var n int
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		args = append(args, tx.Now.AddDate(0, 0, -NewsDays))
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM ("+q+" WHERE n.at >= $"+strconv.Itoa(len(args))+") c", args...).Scan(&n)
	})
	return n, err
}

// News returns a page of the actor's news, newest first, and their number.
func (s *Service) News(ctx context.Context, actor access.Actor, q web.ListQuery) ([]NewsItem, int, error) {
	if err := access.Check(actor, KindBarrierReport, access.List); err != nil {
		return nil, 0, err
	}
	union, args := newsQuery(actor)
	var (
		items []NewsItem
		total int
	)
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM ("+union+") c", args...).Scan(&total); err != nil {
			return err
		}
		type key struct{ kind, a, b string }
		keys, err := loopRows(ctx, tx, func(sc loopScanner, k *key) error {
			var at any
			return sc.Scan(&k.kind, &k.a, &k.b, &at)
		}, union+" ORDER BY n.at DESC, n.kind, n.a, n.b LIMIT "+strconv.Itoa(q.Size)+" OFFSET "+strconv.Itoa(q.Offset()), args...)
		if err != nil {
			return err
		}
		var recIDs, reportIDs, offerIDs []string
		for _, k := range keys {
			switch k.kind {
			case NewsReport:
				reportIDs = append(reportIDs, k.a)
			case NewsOffer:
				offerIDs = append(offerIDs, k.b)
				recIDs = append(recIDs, k.a)
			default:
				recIDs = append(recIDs, k.a)
			}
		}
		recs, err := newsRecommendations(ctx, tx, actor.TenantID, recIDs)
		if err != nil {
			return err
		}
		reports := map[string]*Report{}
		if len(reportIDs) > 0 {
			list, err := s.reports(ctx, tx, "r.tenant_id = $1 AND r.id IN ("+db.Placeholders(2, len(reportIDs))+")", "r.id",
				loopArgs([]any{actor.TenantID}, reportIDs)...)
			if err != nil {
				return err
			}
			for i := range list {
				reports[list[i].ID] = &list[i]
			}
		}
		offers := map[string]OfferInfo{}
		if len(offerIDs) > 0 && s.Offers != nil {
			if offers, err = s.Offers.Titles(ctx, tx, actor.TenantID, offerIDs); err != nil {
				return err
			}
		}
		links, err := newsOfferLinks(ctx, tx, actor.TenantID, offerIDs)
		if err != nil {
			return err
		}
		for _, k := range keys {
			it := NewsItem{Kind: k.kind}
			switch k.kind {
			case NewsReport:
				r := reports[k.a]
				if r == nil {
					continue
				}
				it.Report, it.At, it.ThemeID, it.ThemeTitle = r, r.UpdatedAt, r.ThemeID, r.ThemeTitle
			case NewsOffer:
				o, ok := offers[k.b]
				if !ok {
					o = OfferInfo{ID: k.b}
				}
				it.Offer = &o
				it.OfferHref = newsOfferHref(actor, o)
				l := links[k.a+"/"+k.b]
				it.OfferKind, it.At = l.kind, l.at
				fallthrough
			default:
				rec := recs[k.a]
				it.RecommendationID, it.RecTitle, it.RecStatus, it.DecidedOn, it.Feedback = k.a, rec.title, rec.status, rec.decidedOn, rec.feedback
				it.ThemeID, it.ThemeTitle = rec.themeID, rec.theme
				if k.kind == NewsRecommendation {
					it.At = rec.at
				}
			}
			items = append(items, it)
		}
		return nil
	})
	return items, total, err
}

// newsOfferHref returns the page of an offer the actor may open: the public page of a
// published offer, else the management page for those who keep the tenant's offers, else none.
func newsOfferHref(actor access.Actor, o OfferInfo) string {
	switch {
	case o.Published:
		return "/angebote/" + o.ID
	case access.ReachOf(actor.Role, offers.KindOffer, access.Manage) == access.Tenant:
		return "/angebote/verwaltung/" + o.ID
	}
	return ""
}

type newsRec struct {
	id, title, status, decidedOn, feedback, themeID, theme string
	at                                                     time.Time
}

// newsRecommendations reads the recommendations of the news with their themes.
func newsRecommendations(ctx context.Context, tx *db.Tx, tenantID string, recIDs []string) (map[string]newsRec, error) {
	out := map[string]newsRec{}
	if len(recIDs) == 0 {
		return out, nil
	}
	list, err := loopRows(ctx, tx, func(sc loopScanner, r *newsRec) error {
		return sc.Scan(&r.id, &r.title, &r.status, &r.decidedOn, &r.feedback, &r.themeID, &r.theme, &r.at)
	}, `SELECT CAST(rc.id AS TEXT), rc.title, rc.status, rc.decided_on, rc.feedback, CAST(t.id AS TEXT), t.title, rc.updated_at
		FROM recommendations rc JOIN themes t ON t.tenant_id = rc.tenant_id AND t.id = rc.theme_id
		WHERE rc.tenant_id = $1 AND rc.id IN (`+db.Placeholders(2, len(recIDs))+`)`, loopArgs([]any{tenantID}, recIDs)...)
	for _, r := range list {
		out[r.id] = r
	}
	if err != nil {
		return nil, err
	}
	// The time of the decision: the last status change, where one was recorded.
	type ev struct {
		id string
		at time.Time
	}
	evs, err := loopRows(ctx, tx, func(sc loopScanner, e *ev) error { return sc.Scan(&e.id, &e.at) },
		`SELECT CAST(recommendation_id AS TEXT), at FROM recommendation_events WHERE tenant_id = $1 AND recommendation_id IN (`+
			db.Placeholders(2, len(recIDs))+`)`, loopArgs([]any{tenantID}, recIDs)...)
	first := map[string]bool{}
	for _, e := range evs {
		r := out[e.id]
		if !first[e.id] || e.at.After(r.at) {
			first[e.id] = true
			r.at = e.at
			out[e.id] = r
		}
	}
	return out, err
}

type newsLink struct {
	kind string
	at   time.Time
}

// newsOfferLinks reads how recommendations created or changed the offers, by
// "recommendation/offer".
func newsOfferLinks(ctx context.Context, tx *db.Tx, tenantID string, offerIDs []string) (map[string]newsLink, error) {
	out := map[string]newsLink{}
	if len(offerIDs) == 0 {
		return out, nil
	}
	type row struct {
		rec, offer string
		newsLink
	}
	list, err := loopRows(ctx, tx, func(sc loopScanner, r *row) error { return sc.Scan(&r.rec, &r.offer, &r.kind, &r.at) },
		`SELECT CAST(recommendation_id AS TEXT), CAST(offer_id AS TEXT), kind, linked_at FROM recommendation_offers
		WHERE tenant_id = $1 AND offer_id IN (`+db.Placeholders(2, len(offerIDs))+`)`, loopArgs([]any{tenantID}, offerIDs)...)
	for _, r := range list {
		out[r.rec+"/"+r.offer] = r.newsLink
	}
	return out, err
}
