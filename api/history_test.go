package api_test

import (
	"context"
	"net/http"
	"testing"

	"cxtracker/events"
)

func TestEveryCollectionHasAHistoryAndTheLogADigest(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	ann, crew, ini, jny, kpi, plan := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	for _, c := range []events.Command{
		events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Claims"},
		events.AppointSponsor{PersonID: ann},
		events.SeatMember{PersonID: ann, Department: "Claims", Chair: true},
		events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "seams"},
		events.ProposeInitiative{InitiativeID: ini, Title: "Fewer forms", Problem: "too many forms", ProposedBy: ann},
		events.MapJourney{JourneyID: jny, Name: "Claims"},
		events.DefineKPI{KPIID: kpi, Name: "CSAT", Metric: events.MetricCSAT, Unit: "%", Target: 80, Direction: events.HigherIsBetter},
		events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Q3", Actions: []events.PlannedAction{{ActionID: events.NewID(), Description: "call weekly"}}},
	} {
		if _, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"}); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	token := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": ann}).Map(t)["id"].(string)
	for path, first := range map[string]string{
		"/v1/people/" + ann + "/history":        "person_registered",
		"/v1/crews/" + crew + "/history":        "crew_formed",
		"/v1/initiatives/" + ini + "/history":   "initiative_proposed",
		"/v1/journeys/" + jny + "/history":      "journey_mapped",
		"/v1/kpis/" + kpi + "/history":          "kpi_defined",
		"/v1/action-plans/" + plan + "/history": "action_plan_drafted",
		"/v1/tokens/" + token + "/history":      "token_issued",
		"/v1/program/history":                   "sponsor_appointed",
		"/v1/council/history":                   "member_seated",
	} {
		var h struct {
			Events []struct {
				Event string `json:"event"`
				Actor string `json:"actor"`
			} `json:"events"`
		}
		a.Must(http.StatusOK, http.MethodGet, path, nil).JSON(t, &h)
		if len(h.Events) != 1 || h.Events[0].Event != first || h.Events[0].Actor == "" {
			t.Errorf("%s: %+v", path, h.Events)
		}
	}
	var d struct {
		Seq    uint64 `json:"seq"`
		Digest string `json:"digest"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/audit/digest", nil).JSON(t, &d)
	if d.Seq != 10 || len(d.Digest) != 64 {
		t.Fatalf("digest %+v, want seq 10", d)
	}
}
