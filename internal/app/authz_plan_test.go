package app_test

import (
	"context"
	"strings"

	"kim/internal/casework"
)

func init() {
	// The assessment, plan and legal-domain transition pages of a case address a case of
	// their own per scope (created once per run), with an assessed life domain, a goal, a task
	// and a transition, so that a page a caller may open shows content for the leak check and
	// no request touches the cases other rows use.
	cases := map[*matrixRunner]map[string]string{}
	matrixTargets = append(matrixTargets, func(m *matrixRunner, r matrixRow, caller string) (string, bool) {
		p := r.path
		if !strings.HasPrefix(p, "/faelle/{id}/assessment") && !strings.HasPrefix(p, "/faelle/{id}/plan") &&
			!strings.HasPrefix(p, "/faelle/{id}/rechtskreiswechsel") {
			return "", false
		}
		if cases[m] == nil {
			cases[m] = map[string]string{}
		}
		if id, ok := cases[m][r.scope]; ok {
			return id, true
		}
		ctx := context.Background()
		s, fx, actor := m.env.App.Cases, m.fx, m.scopeActor(r)
		c, err := s.CreateCase(ctx, actor, casework.CaseInput{ClientID: pick(r, fx.ClientA1.ID, fx.ClientA2.ID, fx.ClientB1.ID), AccessRoute: "self"})
		m.must(err)
		_, err = s.SaveAssessment(ctx, actor, c.ID, []casework.AssessmentInput{{Domain: "housing", Urgency: "high", Needs: "Wohnung"}}, "")
		m.must(err)
		g, err := s.AddGoal(ctx, actor, c.ID, casework.GoalInput{Domain: "housing", Text: "Wohnung finden", TargetOn: "2099-01-01"}, "")
		m.must(err)
		_, err = s.AddTask(ctx, actor, c.ID, casework.TaskInput{GoalID: g.ID, Title: "Wohnungsamt", Responsible: "client"}, "")
		m.must(err)
		_, err = s.AddTransition(ctx, actor, c.ID, casework.TransitionInput{From: "asylblg", To: "sgb2", Trigger: "asylum_decision", TriggerOn: "2026-01-15"}, "")
		m.must(err)
		cases[m][r.scope] = c.ID
		return c.ID, true
	})
}
