package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"cxtracker/events"
)

// TestViewsNameWhatTheyReferenceAsItIsCalledNow reads every view that
// references a person, a crew, a KPI or an initiative by id, now and as of
// a past point: each shows the name beside the id, and after the person is
// renamed, the new name.
func TestViewsNameWhatTheyReferenceAsItIsCalledNow(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	ann, crew, jny, stage, tp := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	owned, unowned, ini, plan, fb := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	var mark uint64
	for _, c := range []events.Command{
		events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Claims"},
		events.SeatMember{PersonID: ann, Department: "Claims", Chair: true},
		events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "seams"},
		events.JoinCrew{CrewID: crew, PersonID: ann, Role: events.RoleLead},
		events.MapJourney{JourneyID: jny, Name: "Claims"},
		events.AddStage{JourneyID: jny, StageID: stage, Name: "Claim", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: stage, Name: "Phone", Channel: "phone", OwnerCrewID: crew},
		events.DefineKPI{KPIID: owned, Name: "CSAT", Metric: events.MetricCSAT, Unit: "%", Target: 80, Direction: events.HigherIsBetter, OwnerID: ann},
		events.DefineKPI{KPIID: unowned, Name: "Churn", Metric: "churn", Unit: "%", Target: 5, Direction: events.LowerIsBetter},
		events.ProposeInitiative{InitiativeID: ini, Title: "Fewer forms", Problem: "too many forms", ProposedBy: ann},
		events.CastVote{InitiativeID: ini, PersonID: ann, Vote: events.VoteApprove},
		events.DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: events.OutcomeApproved, Rationale: "obvious"},
		events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Q3", Actions: []events.PlannedAction{{ActionID: events.NewID(), Description: "call weekly", OwnerID: ann}}},
		events.LogFeedback{FeedbackID: fb, TouchpointID: tp, Metric: events.MetricCSAT, Score: 1, Source: events.SourceSurvey},
		events.OpenFollowUp{FeedbackID: fb, AssigneeID: ann},
	} {
		res, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"})
		if err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		mark = res.Appended.LastSeq
	}
	past := "?as_of=" + strconv.FormatUint(mark, 10)
	reads := []struct {
		path string
		at   []any
	}{
		{"/v1/journeys/" + jny, []any{"stages", 0, "touchpoints", 0, "owner_crew_name"}},
		{"/v1/journeys/" + jny + past, []any{"stages", 0, "touchpoints", 0, "owner_crew_name"}},
		{"/v1/journeys", []any{"items", 0, "stages", 0, "touchpoints", 0, "owner_crew_name"}},
		{"/v1/kpis/" + owned, []any{"owner_name"}},
		{"/v1/kpis/" + owned + past, []any{"owner_name"}},
		{"/v1/action-plans/" + plan, []any{"actions", 0, "owner_name"}},
		{"/v1/feedback?touchpoint=" + tp, []any{"items", 0, "follow_up", "assignee_name"}},
		{"/v1/initiatives/" + ini, []any{"proposer", "name"}},
		{"/v1/initiatives/" + ini, []any{"votes", 0, "name"}},
		{"/v1/initiatives/" + ini, []any{"decision", "decided_by", "name"}},
		{"/v1/crews/" + crew, []any{"members", 0, "name"}},
		{"/v1/council", []any{"members", 0, "name"}},
		{"/v1/program", []any{"gaps", "kpis_without_owner", 0, "name"}},
		{"/v1/program", []any{"gaps", "initiatives_without_owner", 0, "title"}},
	}
	want := map[string]string{"owner_crew_name": "Seams", "title": "Fewer forms"}
	check := func(person string) {
		t.Helper()
		for _, r := range reads {
			var body any
			a.Must(http.StatusOK, http.MethodGet, r.path, nil).JSON(t, &body)
			name, w := fmt.Sprint(at(body, r.at...)), want[r.at[len(r.at)-1].(string)]
			if r.path == "/v1/program" && r.at[1] == "kpis_without_owner" {
				w = "Churn"
			}
			if w == "" {
				w = person
			}
			if name != w {
				t.Errorf("%s %v: %q, want %q", r.path, r.at, name, w)
			}
		}
	}
	check("Ann")
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+ann, map[string]any{"name": "Ann Lee"})
	check("Ann Lee")
}

// at walks a decoded JSON value by object keys and array indexes; nil
// where it does not hold the path.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}
