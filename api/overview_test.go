package api_test

import (
	"context"
	"net/http"
	"testing"

	"cxtracker/events"
)

func TestProgramOverviewShowsRolesGapsAndHeadline(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	do := func(cmds ...events.Command) {
		t.Helper()
		for _, c := range cmds {
			if _, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"}); err != nil {
				t.Fatalf("%T: %v", c, err)
			}
		}
	}
	ann, bob := events.NewID(), events.NewID()
	crew, jny, stage, tp, kpi := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	do(
		events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Claims"},
		events.RegisterPerson{PersonID: bob, Name: "Bob", Email: "bob@example.com", Department: "Sales"},
		events.AppointSponsor{PersonID: ann},
		events.AssignAmbassador{PersonID: bob, Department: "Claims"},
		events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "seams"},
		events.MapJourney{JourneyID: jny, Name: "Retail"},
		events.AddStage{JourneyID: jny, StageID: stage, Name: "Acquisition", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: stage, Name: "Web", Channel: "web", OwnerCrewID: crew},
		events.DefineKPI{KPIID: kpi, Name: "NPS", Metric: events.MetricNPS, Unit: "points", Target: 30, Direction: events.HigherIsBetter},
	)
	for _, score := range []int{10, 10, 8, 2} { // NPS (2-1)/4 = 25
		do(events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: tp, Metric: events.MetricNPS, Score: score, Source: events.SourceSurvey})
	}
	var o struct {
		Sponsor     *struct{ Name string } `json:"sponsor"`
		CXManager   *struct{ Name string } `json:"cx_manager"`
		CrewsByType map[string]int         `json:"crews_by_type"`
		Ambassadors map[string][]struct {
			Name string `json:"name"`
		} `json:"ambassadors_by_department"`
		Gaps struct {
			Departments []string `json:"departments_without_ambassador"`
			KPIs        []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"kpis_without_owner"`
			NoCXManager bool `json:"no_cx_manager"`
		} `json:"gaps"`
		Headline struct {
			NPS      *float64 `json:"nps"`
			NPSCount int      `json:"nps_count"`
		} `json:"headline"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/program", nil).JSON(t, &o)
	if o.Sponsor == nil || o.Sponsor.Name != "Ann" || o.CXManager != nil || !o.Gaps.NoCXManager {
		t.Errorf("roles: sponsor %+v, CX manager %+v", o.Sponsor, o.CXManager)
	}
	if o.CrewsByType["experience"] != 1 || len(o.Ambassadors["Claims"]) != 1 || o.Ambassadors["Claims"][0].Name != "Bob" {
		t.Errorf("crews %v, ambassadors %v", o.CrewsByType, o.Ambassadors)
	}
	if len(o.Gaps.Departments) != 1 || o.Gaps.Departments[0] != "Sales" || len(o.Gaps.KPIs) != 1 || o.Gaps.KPIs[0].ID != kpi || o.Gaps.KPIs[0].Name != "NPS" {
		t.Errorf("gaps %+v", o.Gaps)
	}
	if o.Headline.NPS == nil || *o.Headline.NPS != 25 || o.Headline.NPSCount != 4 {
		t.Errorf("headline %+v", o.Headline)
	}
}
