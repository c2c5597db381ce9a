package app_test

import (
	"context"
	"strings"

	"kim/internal/platform/access"
	"kim/internal/platform/db"
	"kim/internal/steering"
)

func init() {
	// Bodies and meetings belong to the tenant (scopes own and other-tenant); scope other-body
	// is alpha's working group, in which the body-member account does not sit, and its meeting.
	// Removing a member uses it up: a fresh member of BodyA or BodyB per request; deleting a
	// decision likewise: a fresh decision of MeetingA or MeetingB.
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		fx := m.fx
		b := fx.Bodies
		p := r.path
		ctx := context.Background()
		foreign := r.scope == "other-tenant"
		switch {
		case strings.HasPrefix(p, "/gremienmitglieder/"):
			actor, body := access.System(fx.TenantA.ID), b.BodyA.ID
			org := fx.OrgA2.ID
			if foreign {
				actor, body, org = access.System(fx.TenantB.ID), b.BodyB.ID, fx.OrgB1.ID
			}
			mem, err := m.env.App.Steering.AddBodyMember(ctx, actor, body, steering.BodyMemberInput{PersonName: m.name("Wegwerf"), OrganisationID: org})
			m.must(err)
			return mem.ID, true
		case strings.HasPrefix(p, "/beschluesse/"):
			tenant, meeting := fx.TenantA.ID, b.MeetingA.ID
			if foreign {
				tenant, meeting = fx.TenantB.ID, b.MeetingB.ID
			}
			if !destructive(r) && !foreign {
				return b.DecisionA.ID, true
			}
			return matrixDecision(m, tenant, meeting), true
		case strings.HasPrefix(p, "/gremien/"):
			switch r.scope {
			case "other-body":
				return b.BodyWorkA.ID, true
			case "other-tenant":
				return b.BodyB.ID, true
			}
			return b.BodyA.ID, true
		case strings.HasPrefix(p, "/sitzungen/"):
			switch r.scope {
			case "other-body":
				return b.MeetingWorkA.ID, true
			case "other-tenant":
				return b.MeetingB.ID, true
			}
			return b.MeetingA.ID, true
		case strings.HasPrefix(p, "/kalender/"):
			// A feed's {id} is its secret token: a fresh one of the body-member fixture account
			// (own) or of tenant beta's body member. The feed answers whoever holds it.
			u, slug := fx.Users[access.BodyMember], "alpha"
			if foreign {
				u, slug = b.UserB, "beta"
			}
			token, err := m.env.App.Steering.RenewCalendarFeed(ctx, u.Actor(slug))
			m.must(err)
			return token, true
		}
		return "", false
	})
}

// matrixDecision records a fresh decision in a meeting (directly, as a recommendation's
// decision is recorded: a planned meeting takes no decision through its page).
func matrixDecision(m *matrixRunner, tenantID, meetingID string) string {
	var id string
	err := m.env.DB().Write(context.Background(), func(tx *db.Tx) (err error) {
		id, err = steering.RecordMeetingDecision(context.Background(), tx, tenantID, meetingID, m.name("Wegwerf-Beschluss"), "", "")
		return err
	})
	m.must(err)
	return id
}
