package app_test

import (
	"context"
	"strings"
	"sync"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

// feedTokens holds, per prober, the calendar feed token of the body-member fixture account
// (created once, so that the address stays valid through the battery); betaDecisions a
// decision of tenant beta's meeting.
var feedTokens, betaDecisions sync.Map

func init() {
	staffCallers = append(staffCallers, callerArea{"/gremien", access.Coordinator}, callerArea{"/gremienmitglieder", access.Coordinator},
		callerArea{"/sitzungen", access.Coordinator}, callerArea{"/beschluesse", access.Coordinator})
	targetAreas = append(targetAreas, func(p *prober) ([]string, target) {
		b := p.fx.Bodies
		return []string{"/gremien"}, target{own: b.BodyA.ID, foreign: b.BodyB.ID}
	}, func(p *prober) ([]string, target) {
		b := p.fx.Bodies
		return []string{"/gremienmitglieder"}, target{own: b.MemberA2.ID, foreign: b.MemberB.ID}
	}, func(p *prober) ([]string, target) {
		b := p.fx.Bodies
		return []string{"/sitzungen"}, target{own: b.MeetingA.ID, foreign: b.MeetingB.ID}
	}, func(p *prober) ([]string, target) {
		b := p.fx.Bodies
		id, ok := betaDecisions.Load(p)
		if !ok {
			var d string
			err := p.env.DB().Write(context.Background(), func(tx *db.Tx) (err error) {
				d, err = steering.RecordMeetingDecision(context.Background(), tx, p.fx.TenantB.ID, b.MeetingB.ID, "Beschluss der Stadt Beta", "", "")
				return err
			})
			if err != nil {
				p.t.Fatal(err)
			}
			id, _ = betaDecisions.LoadOrStore(p, d)
		}
		return []string{"/beschluesse"}, target{own: b.DecisionA.ID, foreign: id.(string)}
	}, func(p *prober) ([]string, target) {
		token, ok := feedTokens.Load(p)
		if !ok {
			t, err := p.env.App.Steering.RenewCalendarFeed(context.Background(), p.fx.Users[access.BodyMember].Actor("alpha"))
			if err != nil {
				p.t.Fatal(err)
			}
			token, _ = feedTokens.LoadOrStore(p, t)
		}
		return []string{"/kalender"}, target{own: token.(string), foreign: strings.Repeat("x", 43)}
	})
}
