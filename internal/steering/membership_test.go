package steering_test

import (
	"context"
	"net/http"
	"testing"

	"kim/internal/apptest"
	"kim/internal/platform/access"
	"kim/internal/steering"
)

// A member of the steering group sees a working group's theme once a recommendation on it has
// been submitted to the steering group, and not while it is a draft of the working group.
func TestSteeringGroupMembersSeeSubmittedRecommendations(t *testing.T) {
	for _, e := range apptest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			env, fx, c := ttSetup(t, e)
			ctx := context.Background()
			s := env.App.Steering
			co := fx.Users[access.Coordinator].Actor("alpha")
			bm := c[access.BodyMember] // a member of the steering group BodyA, not of BodyWorkA
			work := ttTheme(t, env, fx, "Sprachkurse am Abend", ttInsertSeries(t, env, fx, 2))
			if err := s.AssignBody(ctx, co, work, fx.Bodies.BodyWorkA.ID); err != nil {
				t.Fatal(err)
			}
			rec, err := s.CreateRecommendation(ctx, co, work, steering.RecInput{Title: "Abendkurse in Wald", Text: "Kurse ab 18 Uhr.", BodyID: fx.Bodies.BodyWorkA.ID})
			if err != nil {
				t.Fatal(err)
			}
			ttStatus(t, bm.Get("/themen/"+work), http.StatusNotFound, "a working group's theme with a draft only")
			ttStatus(t, bm.Get("/empfehlungen/"+rec), http.StatusNotFound, "a working group's draft")
			if err := s.MoveRecommendation(ctx, co, rec, 0, steering.RecMove{To: "submitted"}); err != nil {
				t.Fatal(err)
			}
			ttStatus(t, bm.Get("/themen/"+work), http.StatusOK, "the theme of a submitted recommendation")
			ttStatus(t, bm.Get("/empfehlungen/"+rec), http.StatusOK, "a submitted recommendation")
		})
	}
}
