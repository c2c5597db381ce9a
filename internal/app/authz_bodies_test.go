package app_test

import (
	"context"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/steering"
)

func init() {
	// Bodies and meetings belong to the tenant (scopes own and other-tenant). Removing a member
	// uses it up: a fresh member of BodyA or BodyB per request.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		fx := m.fx
		b := fx.Bodies
		p := r.path
		switch {
		case strings.HasPrefix(p, "/gremienmitglieder/"):
			actor, body := access.System(fx.TenantA.ID), b.BodyA.ID
			org := fx.OrgA2.ID
			if r.scope == "other-tenant" {
				actor, body, org = access.System(fx.TenantB.ID), b.BodyB.ID, fx.OrgB1.ID
			}
			mem, err := m.env.App.Steering.AddBodyMember(context.Background(), actor, body, steering.BodyMemberInput{PersonName: m.name("Wegwerf"), OrganisationID: org})
			m.must(err)
			return mem.ID, true
		case strings.HasPrefix(p, "/gremien/"):
			return pick(r, b.BodyA.ID, b.BodyA.ID, b.BodyB.ID), true
		case strings.HasPrefix(p, "/sitzungen/"):
			return pick(r, b.MeetingA.ID, b.MeetingA.ID, b.MeetingB.ID), true
		case strings.HasPrefix(p, "/kalender/"):
			// A feed's {id} is its secret token: a fresh one of the body-member fixture account
			// (own) or of tenant beta's body member. The feed answers whoever holds it.
			u, slug := fx.Users[access.BodyMember], "alpha"
			if r.scope == "other-tenant" {
				u, slug = b.UserB, "beta"
			}
			token, err := m.env.App.Steering.RenewCalendarFeed(context.Background(), u.Actor(slug))
			m.must(err)
			return token, true
		}
		return "", false
	})
}
