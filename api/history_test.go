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
	stage, tp, fb, other := events.NewID(), events.NewID(), events.NewID(), events.NewID()
	for _, c := range []events.Command{
		events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Claims"},
		events.AppointSponsor{PersonID: ann},
		events.SeatMember{PersonID: ann, Department: "Claims", Chair: true},
		events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "seams"},
		events.ProposeInitiative{InitiativeID: ini, Title: "Fewer forms", Problem: "too many forms", ProposedBy: ann},
		events.MapJourney{JourneyID: jny, Name: "Claims"},
		events.DefineKPI{KPIID: kpi, Name: "CSAT", Metric: events.MetricCSAT, Unit: "%", Target: 80, Direction: events.HigherIsBetter},
		events.AddStage{JourneyID: jny, StageID: stage, Name: "Claim", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: stage, Name: "Phone", Channel: "phone", OwnerCrewID: crew},
		events.LogFeedback{FeedbackID: other, TouchpointID: tp, Metric: events.MetricCSAT, Score: 5, Source: events.SourceSurvey},
		events.LogFeedback{FeedbackID: fb, TouchpointID: tp, Metric: events.MetricCSAT, Score: 1, Source: events.SourceSurvey},
		events.OpenFollowUp{FeedbackID: fb, AssigneeID: ann},
		events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Q3", Actions: []events.PlannedAction{{ActionID: events.NewID(), Description: "call weekly"}}},
	} {
		if _, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"}); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	token := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": ann}).Map(t)["id"].(string)
	for path, want := range map[string]struct {
		first string
		count int
	}{
		"/v1/people/" + ann + "/history":        {"person_registered", 1},
		"/v1/crews/" + crew + "/history":        {"crew_formed", 1},
		"/v1/initiatives/" + ini + "/history":   {"initiative_proposed", 1},
		"/v1/journeys/" + jny + "/history":      {"journey_mapped", 3},
		"/v1/kpis/" + kpi + "/history":          {"kpi_defined", 1},
		"/v1/action-plans/" + plan + "/history": {"action_plan_drafted", 1},
		"/v1/tokens/" + token + "/history":      {"token_issued", 1},
		"/v1/program/history":                   {"sponsor_appointed", 1},
		"/v1/council/history":                   {"member_seated", 1},
	} {
		var h struct {
			Events []struct {
				Event string `json:"event"`
				Actor string `json:"actor"`
			} `json:"events"`
		}
		a.Must(http.StatusOK, http.MethodGet, path, nil).JSON(t, &h)
		if len(h.Events) != want.count || h.Events[0].Event != want.first || h.Events[0].Actor == "" {
			t.Errorf("%s: %+v", path, h.Events)
		}
	}
	var fh struct {
		Events []struct {
			Event string         `json:"event"`
			Data  map[string]any `json:"data"`
		} `json:"events"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/"+fb+"/history", nil).JSON(t, &fh)
	if len(fh.Events) != 2 || fh.Events[0].Event != "feedback_logged" || fh.Events[0].Data["feedback_id"] != fb || fh.Events[1].Event != "followup_opened" {
		t.Errorf("feedback history %+v", fh.Events)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/feedback/"+events.NewID()+"/history", nil)
	var d struct {
		Seq    uint64 `json:"seq"`
		Digest string `json:"digest"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/audit/digest", nil).JSON(t, &d)
	if d.Seq != 15 || len(d.Digest) != 64 {
		t.Fatalf("digest %+v, want seq 15", d)
	}
}
