package projections_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/projections"
)

// script runs commands through a real log, failing on any rejection.
type script struct {
	t      *testing.T
	engine *events.Engine
	store  events.Store
}

func newScript(t *testing.T) *script {
	t.Helper()
	store := jstest.Start(t)
	e, err := events.NewEngine(store)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = store.Follow(ctx, events.FromSeq(1), e.Apply) }()
	t.Cleanup(func() { cancel(); <-done })
	return &script{t: t, engine: e, store: store}
}

func (s *script) do(cmds ...events.Command) {
	s.t.Helper()
	for _, c := range cmds {
		if _, err := s.engine.Execute(context.Background(), c, events.Meta{Actor: "script"}); err != nil {
			s.t.Fatalf("%T: %v", c, err)
		}
	}
}

// mark is a period boundary between events, stored times being the server's.
func mark() time.Time {
	time.Sleep(15 * time.Millisecond)
	t := time.Now()
	time.Sleep(15 * time.Millisecond)
	return t
}

func (s *script) feedback(tp, metric string, scores ...int) []string {
	var ids []string
	for _, sc := range scores {
		id := events.NewID()
		s.do(events.LogFeedback{FeedbackID: id, TouchpointID: tp, Metric: metric, Score: sc, Source: events.SourceSurvey})
		ids = append(ids, id)
	}
	return ids
}

func TestCouncilReportOfAScriptedPeriod(t *testing.T) {
	s := newScript(t)
	ann, bob, cat, dan, eve := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	for id, dept := range map[string]string{ann: "Operations", bob: "Sales", cat: "IT", dan: "Claims", eve: "Claims"} {
		s.do(events.RegisterPerson{PersonID: id, Name: "P " + dept + id[20:], Email: id + "@example.com", Department: dept})
	}
	crewX, crewY, jny, st1, st2, tp1, tp2, kpi, ini1, ini2 := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(),
		events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	s.do(
		events.SeatMember{PersonID: ann, Department: "Operations", Chair: true},
		events.SeatMember{PersonID: bob, Department: "Sales"},
		events.SeatMember{PersonID: cat, Department: "IT"},
		events.AssignAmbassador{PersonID: dan, Department: "Claims"},
		events.FormCrew{CrewID: crewX, Name: "Journey seams", Type: events.CrewExperience, Purpose: "seams"},
		events.MapJourney{JourneyID: jny, Name: "Retail", Segment: "smb"},
		events.AddStage{JourneyID: jny, StageID: st1, Name: "Acquisition", Position: 1},
		events.AddStage{JourneyID: jny, StageID: st2, Name: "Retention", Position: 2},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp1, StageID: st1, Name: "Web signup", Channel: "web", OwnerCrewID: crewX},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp2, StageID: st2, Name: "Call centre", Channel: "phone", OwnerCrewID: crewX},
		events.DefineKPI{KPIID: kpi, Name: "Signup NPS", Metric: events.MetricNPS, Unit: "points", Target: 30, Direction: events.HigherIsBetter, OwnerID: bob},
	)
	s.feedback(tp1, events.MetricNPS, 10, 9, 3) // NPS (2-1)/3 = 33.3
	s.feedback(tp2, events.MetricCSAT, 5, 2)    // CSAT 1 of 2 = 50
	from := mark()

	s.do(
		events.ProposeInitiative{InitiativeID: ini1, Title: "Shorter signup", Problem: "drop-off", ProposedBy: bob},
		events.CastVote{InitiativeID: ini1, PersonID: ann, Vote: events.VoteApprove},
		events.CastVote{InitiativeID: ini1, PersonID: bob, Vote: events.VoteApprove},
		events.DecideInitiative{InitiativeID: ini1, DecidedBy: ann, Outcome: events.OutcomeApproved},
		events.StartInitiative{InitiativeID: ini1},
		events.ProposeInitiative{InitiativeID: ini2, Title: "Chatbot", Problem: "slow answers", ProposedBy: cat},
		events.DecideInitiative{InitiativeID: ini2, DecidedBy: ann, Outcome: events.OutcomeRejected, Rationale: "experience before cost"},
		events.FormCrew{CrewID: crewY, Name: "Billing platform", Type: events.CrewPlatform, Purpose: "billing"},
		events.DisbandCrew{CrewID: crewY, Reason: "merged"},
		events.RecordMeasurement{KPIID: kpi, Value: 25},
	)
	detractors := s.feedback(tp1, events.MetricNPS, 0, 0, 0) // end: 2 promoters, 4 detractors of 6 = -33.3
	s.feedback(tp2, events.MetricCSAT, 5)                    // end: 2 of 3 = 66.7
	s.do(events.OpenFollowUp{FeedbackID: detractors[0], AssigneeID: dan})
	to := mark()

	// After the period: none of this may show, now or when the report is run again.
	s.do(events.CompleteInitiative{InitiativeID: ini1, Outcome: "drop-off halved"}, events.AssignAmbassador{PersonID: eve, Department: "Sales"})
	s.feedback(tp1, events.MetricNPS, 10, 10)

	r, _, err := projections.BuildCouncilReport(context.Background(), s.store, from, to, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Decisions) != 2 || r.Decisions[0].Outcome != "approved" || r.Decisions[0].Tally != (events.Tally{Approve: 2, Voted: 2, Seats: 3}) || !r.Decisions[0].Quorum ||
		r.Decisions[1].Outcome != "rejected" || !r.Decisions[1].ChairDecision || r.Decisions[1].Rationale != "experience before cost" || r.Decisions[1].Title != "Chatbot" {
		t.Errorf("decisions %+v", r.Decisions)
	}
	if len(r.Started) != 1 || r.Started[0].Title != "Shorter signup" || len(r.Completed) != 0 || len(r.Cancelled) != 0 {
		t.Errorf("initiatives: started %+v, completed %+v", r.Started, r.Completed)
	}
	if len(r.Formed) != 1 || r.Formed[0].Name != "Billing platform" || len(r.Disbanded) != 1 || r.Disbanded[0].Reason != "merged" {
		t.Errorf("crews: formed %+v, disbanded %+v", r.Formed, r.Disbanded)
	}
	near := func(v *float64, want float64) bool { return v != nil && *v > want-0.05 && *v < want+0.05 }
	// The period's own feedback: Web signup 0, 0, 0 (NPS −100) after 10, 9, 3 (33.3) in the
	// period before (of the same length, ending at from, holding everything logged before from);
	// Call centre 5 (CSAT 100) after 5, 2 (50).
	if len(r.Stages) != 2 || r.Stages[0].Name != "Acquisition" || !near(r.Stages[0].Previous.NPS, 33.3) || !near(r.Stages[0].Current.NPS, -100) ||
		!near(r.Stages[0].Change.NPS, -133.3) || r.Stages[0].Current.NPSCount != 3 || !near(r.Stages[1].Previous.CSAT, 50) || !near(r.Stages[1].Current.CSAT, 100) ||
		!r.Stages[0].PreviousFrom.Equal(from.UTC().Add(-to.Sub(from))) {
		t.Errorf("stages %+v", r.Stages)
	}
	// Movers need 30 responses in both periods: none here.
	if len(r.Movers.Fallers) != 0 || len(r.Movers.Risers) != 0 {
		t.Errorf("movers %+v", r.Movers)
	}
	if r.FollowUps != 1 {
		t.Errorf("open follow-ups %d, want 1", r.FollowUps)
	}
	cov := map[string]int{}
	for _, c := range r.Coverage {
		cov[c.Department] = len(c.Ambassadors)
	}
	if len(cov) != 4 || cov["Claims"] != 1 || cov["Sales"] != 0 || cov["IT"] != 0 {
		t.Errorf("ambassador coverage %+v", r.Coverage)
	}
	if len(r.KPIs) != 1 || !near(r.KPIs[0].Value, 25) || r.KPIs[0].Met == nil || *r.KPIs[0].Met {
		t.Errorf("KPIs %+v", r.KPIs)
	}

	// The same period, run again after more events, reads the same.
	s.feedback(tp2, events.MetricCSAT, 1, 1, 1)
	again, _, err := projections.BuildCouncilReport(context.Background(), s.store, from, to, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The change's margin: the previous period's p = 2/3, d = 1/3, (1 − 1/9)/3 = 0.2963, √ = 0.5443,
	// × 196 = 106.7; the period's, all detractors, 0; so −133.3 is beyond it (*).
	var a, b bytes.Buffer
	r.WriteMarkdown(&a)
	again.WriteMarkdown(&b)
	if a.String() != b.String() || again.Digest != r.Digest {
		t.Fatalf("the report for a past period changed after more events:\n%s\n---\n%s", a.String(), b.String())
	}
	for _, want := range []string{"| Shorter signup | approved | 2 / 0 / 0 | 2 of 3 | true | false |", "| Retail | Acquisition | 33.3 → -100.0 ±0.0 (-133.3*)", "| Sales | **none** |", r.Digest.Digest} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, a.String())
		}
	}
	var c bytes.Buffer
	if err := r.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(rows) < 20 || strings.Join(rows[0], ",") != "section,id,name,field,value" {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
}
