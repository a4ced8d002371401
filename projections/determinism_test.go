package projections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// program scripts a program with enough of everything (people, crews,
// members, council seats, ambassadors, experts, decisions, initiatives
// through their life, stages added in front and moved) that an order taken
// from a map would show, and answers the journey's id.
func program(s *script) string {
	var people []string
	for i := range 9 {
		id := events.NewID()
		people = append(people, id)
		s.do(events.RegisterPerson{PersonID: id, Name: fmt.Sprintf("Person %d", i), Email: id + "@example.com", Department: []string{"Sales", "IT", "Claims"}[i%3]})
	}
	s.do(
		events.SeatMember{PersonID: people[0], Department: "Sales", Chair: true},
		events.SeatMember{PersonID: people[1], Department: "IT"},
		events.SeatMember{PersonID: people[2], Department: "Claims"},
		events.AssignAmbassador{PersonID: people[3], Department: "Sales"},
		events.AssignAmbassador{PersonID: people[4], Department: "IT"},
		events.NameExpert{PersonID: people[5], Unit: "Billing"},
		events.NameExpert{PersonID: people[6], Unit: "Support"},
	)
	for i, typ := range []string{events.CrewExperience, events.CrewPlatform, events.CrewCapability, events.CrewGovernance, events.CrewPartnership} {
		crew := events.NewID()
		s.do(events.FormCrew{CrewID: crew, Name: fmt.Sprintf("Crew %d", i), Type: typ, Purpose: "purpose"},
			events.JoinCrew{CrewID: crew, PersonID: people[i], Role: events.RoleLead},
			events.JoinCrew{CrewID: crew, PersonID: people[i+1], Role: events.RoleMember},
			events.JoinCrew{CrewID: crew, PersonID: people[i+2], Role: events.RoleMember})
		if i == 4 {
			s.do(events.DisbandCrew{CrewID: crew, Reason: "merged"})
		}
	}
	jny := events.NewID()
	s.do(events.MapJourney{JourneyID: jny, Name: "Retail", Segment: "smb"})
	var tps []string
	for i, name := range []string{"Retention", "Activation", "Acquisition", "Referral"} {
		st, tp := events.NewID(), events.NewID()
		// Each stage is added in front of the others; the last is then moved
		// to the end.
		s.do(events.AddStage{JourneyID: jny, StageID: st, Name: name, Position: 1},
			events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: st, Name: fmt.Sprintf("Touchpoint %d", i), Channel: "web"})
		if name == "Referral" {
			s.do(events.MoveStage{JourneyID: jny, StageID: st, Position: 4})
		}
		tps = append(tps, tp)
	}
	for i, tp := range tps {
		s.feedback(tp, events.MetricNPS, 10, i, 3*i)
		s.feedback(tp, events.MetricCSAT, 1+i, 5)
	}
	kpi, churn := events.NewID(), events.NewID()
	s.do(events.DefineKPI{KPIID: kpi, Name: "NPS", Metric: events.MetricNPS, Unit: "points", Target: 30, Direction: events.HigherIsBetter, OwnerID: people[0]},
		events.DefineKPI{KPIID: churn, Name: "Churn", Metric: "churn_rate", Unit: "%", Target: 5, Direction: events.LowerIsBetter, OwnerID: people[0]},
		events.RecordMeasurement{KPIID: churn, Value: 12})
	for i, outcome := range []string{events.OutcomeApproved, events.OutcomeApproved, events.OutcomeApproved, events.OutcomeRejected, events.OutcomeDeferred} {
		ini := events.NewID()
		s.do(events.ProposeInitiative{InitiativeID: ini, Title: fmt.Sprintf("Initiative %d", i), Problem: "a problem", ProposedBy: people[i%3]},
			events.CastVote{InitiativeID: ini, PersonID: people[1], Vote: events.VoteApprove},
			events.CastVote{InitiativeID: ini, PersonID: people[2], Vote: events.VoteReject},
			events.DecideInitiative{InitiativeID: ini, DecidedBy: people[0], Outcome: outcome, Rationale: "weighed"})
		if outcome == events.OutcomeApproved {
			s.do(events.StartInitiative{InitiativeID: ini})
		}
		switch i {
		case 0:
			s.do(events.CompleteInitiative{InitiativeID: ini, Outcome: "done"})
		case 1:
			s.do(events.CancelInitiative{InitiativeID: ini, Reason: "overtaken"})
		}
	}
	return jny
}

// Every format of the council report, and the replayed snapshot, is the same
// bytes each time it is built from the same log.
func TestReportsAndSnapshotsAreTheSameBytesEveryRun(t *testing.T) {
	s := newScript(t)
	program(s)
	ctx := context.Background()
	from, to := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	build := func() map[string][]byte {
		r, _, err := projections.BuildCouncilReport(ctx, s.store, from, to, to, projections.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var md, csv bytes.Buffer
		if err := r.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := r.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		views := projections.NewViews()
		_, err = projections.Replay(ctx, s.store, projections.Range{}, views.Models(), projections.Options{})
		if err != nil {
			t.Fatal(err)
		}
		snap, err := json.Marshal(views.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		return map[string][]byte{"Markdown report": md.Bytes(), "CSV report": csv.Bytes(), "JSON report": js, "snapshot": snap}
	}
	// Several runs, not two, so that an order left to a map shows for sure.
	first := build()
	for range 4 {
		for name, b := range build() {
			if !bytes.Equal(b, first[name]) {
				t.Fatalf("the %s differs between two runs on the same log:\n%s\n---\n%s", name, first[name], b)
			}
		}
	}
}

// The report lists a journey's stages in the journey's order, as the map
// shows them, after stages were added in front of others and moved.
func TestCouncilReportListsStagesInTheJourneysOrder(t *testing.T) {
	s := newScript(t)
	jny := program(s)
	ctx := context.Background()
	r, _, err := projections.BuildCouncilReport(ctx, s.store, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	views := projections.NewViews()
	_, err = projections.Replay(ctx, s.store, projections.Range{}, views.Models(), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := views.Journeys.Get(jny)
	var inMap, inReport []string
	for _, st := range m.Stages {
		inMap = append(inMap, st.Name)
	}
	for _, st := range r.Stages {
		inReport = append(inReport, st.Name)
	}
	if want := []string{"Acquisition", "Activation", "Retention", "Referral"}; !slices.Equal(inMap, want) || !slices.Equal(inReport, want) {
		t.Fatalf("stages: the map has %v, the report %v; want %v", inMap, inReport, want)
	}
}
