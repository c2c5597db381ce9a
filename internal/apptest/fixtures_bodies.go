package apptest

import (
	"context"
	"testing"

	"kim/internal/accounts"
	"kim/internal/app"
	"kim/internal/platform/access"
	"kim/internal/steering"
)

// BodyFixtures are bodies and meetings in both tenants: BodyA is a steering group of tenant
// alpha in which the body-member fixture account sits (MemberA, with an account) beside a
// member of A2 without one (MemberA2), both members since 1 January 2026; BodyWorkA a working
// group of alpha without members (the body-member account is not in it); BodyB a body of
// tenant beta with a member (MemberB) who has an account (UserB, role body_member). MeetingA
// is a held meeting of BodyA two weeks before the fixtures' start (attendance, minutes, a
// decision: DecisionA); MeetingWorkA a held meeting of BodyWorkA five weeks before the start;
// MeetingB a planned meeting of BodyB (beta has no meeting that has begun).
type BodyFixtures struct {
	BodyA, BodyWorkA, BodyB          *steering.Body
	MemberA, MemberA2, MemberB       *steering.BodyMember
	MeetingA, MeetingWorkA, MeetingB *steering.Meeting
	DecisionA                        *steering.MeetingDecision
	UserB                            *accounts.User
}

func (f *Fixtures) seedBodies(t testing.TB, a *app.App) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("body fixtures: %v", err)
		}
	}
	sysA, sysB := access.System(f.TenantA.ID), access.System(f.TenantB.ID)
	s := a.Steering
	b := &f.Bodies
	var err error
	b.BodyA, err = s.CreateBody(ctx, sysA, steering.BodyInput{Name: "Lenkungsgruppe Alpha", Type: steering.BodySteeringGroup,
		Mandate: "Priorisiert die Themen und beschließt Handlungsempfehlungen.", Active: true})
	must(err)
	b.BodyWorkA, err = s.CreateBody(ctx, sysA, steering.BodyInput{Name: "AG Wohnen Alpha", Type: steering.BodyWorkingGroup, Active: true})
	must(err)
	b.BodyB, err = s.CreateBody(ctx, sysB, steering.BodyInput{Name: "Lenkungskreis Beta", Type: steering.BodySteeringGroup, Active: true})
	must(err)
	b.MemberA, err = s.AddBodyMember(ctx, sysA, b.BodyA.ID, steering.BodyMemberInput{UserID: f.Users[access.BodyMember].ID, Role: "chair",
		Email: Email(access.BodyMember), DeputyName: "Vera Vertretung", Since: "2026-01-01"})
	must(err)
	b.MemberA2, err = s.AddBodyMember(ctx, sysA, b.BodyA.ID, steering.BodyMemberInput{PersonName: "Petra Partner", OrganisationID: f.OrgA2.ID,
		Role: "member", Since: "2026-01-01"})
	must(err)
	b.UserB, _, err = a.Accounts.EnsureUser(ctx, f.TenantB.ID, accounts.UserInput{Name: "Bernd Beirat", Email: "gremium@beta.example",
		Role: access.BodyMember, OrganisationID: f.OrgB1.ID}, Password)
	must(err)
	b.MemberB, err = s.AddBodyMember(ctx, sysB, b.BodyB.ID, steering.BodyMemberInput{UserID: b.UserB.ID})
	must(err)
	m, err := s.CreateMeeting(ctx, sysA, steering.MeetingInput{BodyID: b.BodyA.ID, Title: "Frühjahrssitzung", Date: "2026-02-16",
		Start: "14:00", End: "16:00", Place: "Bürgerhaus Alpha, Raum 2", Agenda: []steering.MeetingAgendaInput{{Title: "Begrüßung"}, {Title: "Wartezeiten Sprachkurse"}}})
	must(err)
	in := steering.MeetingInput{Title: m.Title, Date: "2026-02-16", Start: "14:00", End: "16:00", Place: m.Place, Status: steering.MeetingHeld,
		Agenda:     []steering.MeetingAgendaInput{{Title: "Begrüßung"}, {Title: "Wartezeiten Sprachkurse"}},
		Attendance: map[string]string{b.MemberA.ID: "present", b.MemberA2.ID: "excused"}, Minutes: "Die Gruppe bespricht die Wartezeiten.",
		Version: m.Version}
	_, err = s.UpdateMeeting(ctx, sysA, m.ID, in)
	must(err)
	b.DecisionA, err = s.AddMeetingDecision(ctx, sysA, m.ID, steering.MeetingDecisionInput{Text: "Die AG Sprache erarbeitet bis Juni einen Vorschlag."})
	must(err)
	b.MeetingA, err = s.GetMeeting(ctx, sysA, m.ID)
	must(err)
	w, err := s.CreateMeeting(ctx, sysA, steering.MeetingInput{BodyID: b.BodyWorkA.ID, Title: "Auftakt AG Wohnen", Date: "2026-01-26",
		Start: "10:00", End: "11:30", Place: "Bürgerhaus Alpha, Raum 1"})
	must(err)
	b.MeetingWorkA, err = s.UpdateMeeting(ctx, sysA, w.ID, steering.MeetingInput{Title: w.Title, Date: "2026-01-26", Start: "10:00", End: "11:30",
		Place: w.Place, Status: steering.MeetingHeld, Version: w.Version})
	must(err)
	b.MeetingB, err = s.CreateMeeting(ctx, sysB, steering.MeetingInput{BodyID: b.BodyB.ID, Title: "Sitzung Beta", Date: "2026-04-20",
		Start: "10:00", End: "12:00", Place: "Beta-Saal"})
	must(err)
}
