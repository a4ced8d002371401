package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// corpusFile is the example of type t at schema version v.
func corpusFile(t string, v int) string {
	return filepath.Join("testdata", fmt.Sprintf("%s.v%d.json", t, v))
}

// examples are one payload of each event type at its current version, with
// every field set, as the corpus writes them: the ones written here by hand,
// and for every other registered type one filled from its Go type
// (filledExample), so that a new event type needs no line here.
func examples() []fact {
	out := handExamples()
	seen := map[reflect.Type]bool{}
	// A filled example happens to the entity its kind's other examples
	// happen to, so that the corpus reads as one story.
	aggOf := map[string]Aggregate{}
	for _, f := range out {
		seen[reflect.TypeOf(f.p)] = true
		if _, ok := aggOf[f.agg.Kind]; !ok {
			aggOf[f.agg.Kind] = f.agg
		}
	}
	for i, et := range EventTypes() {
		if !seen[et.goType] {
			agg, ok := aggOf[et.Kind]
			if !ok {
				agg = Aggregate{et.Kind, id(500 + i)}
				aggOf[et.Kind] = agg
			}
			out = append(out, fact{agg, filledExample(et.goType)})
		}
	}
	return out
}

// handExamples are the examples of the event types that were in the
// catalogue when each was first stored; their corpus files are written.
func handExamples() []fact {
	ten := 40
	return []fact{
		{personAgg(ann), PersonRegistered{PersonID: ann, Name: "Ana Souza", Email: "ana.souza@example.com", Department: "Customer Service"}},
		{personAgg(ann), PersonDetailsChanged{PersonID: ann, Name: "Ana Souza", Email: "ana@example.com", Department: "Retail"}},
		{personAgg(ann), PersonLeft{PersonID: ann, Reason: "retired"}},
		{Aggregate{KindToken, tok1}, TokenIssued{TokenID: tok1, PersonID: ann, Label: "Ana's laptop", Grants: []string{GrantActionPrefix + "log_feedback"}}},
		{Aggregate{KindToken, tok1}, TokenRevoked{TokenID: tok1, Reason: "laptop lost"}},
		{ProgramAggregate, SponsorAppointed{PersonID: bob, PreviousPersonID: ann}},
		{ProgramAggregate, CXManagerAppointed{PersonID: cat, PreviousPersonID: bob}},
		{ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Claims"}},
		{ProgramAggregate, AmbassadorReleased{PersonID: fay, Reason: "moved to another role"}},
		{ProgramAggregate, ExpertNamed{PersonID: dan, Unit: "Retail banking"}},
		{ProgramAggregate, ExpertReleased{PersonID: dan, Reason: "left the unit"}},
		{CouncilAggregate, MemberSeated{PersonID: bob, Department: "Operations", Chair: true}},
		{CouncilAggregate, MemberUnseated{PersonID: bob, Reason: "term ended"}},
		{CouncilAggregate, ChairChanged{PersonID: cat, PreviousPersonID: bob}},
		{crewAgg(crewA), CrewFormed{CrewID: crewA, Name: "Journey seams", Type: CrewExperience, Purpose: "Keep the focus on the seams between products", Function: FunctionDesign}},
		{crewAgg(crewA), MemberJoined{PersonID: fay, Role: RoleLead}},
		{crewAgg(crewA), MemberLeft{PersonID: fay}},
		{crewAgg(crewA), PurposeChanged{Purpose: "Own the onboarding journey end to end"}},
		{crewAgg(crewA), CrewDisbanded{Reason: "merged into the onboarding value stream"}},
		{initiativeAgg(ini), InitiativeProposed{InitiativeID: ini, Title: "Cut the IVR menu", Problem: "Callers abandon before reaching an agent",
			ProposedBy: bob, StageIDs: []string{stg1}, TouchpointIDs: []string{tp1}, KPIIDs: []string{kpi1}}},
		{initiativeAgg(ini), VoteCast{PersonID: cat, Vote: VoteApprove, Comment: "worth it", PreviousVote: VoteAbstain}},
		{initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, Rationale: "experience before revenue", DecidedBy: ann,
			Tally: Tally{Approve: 1, Reject: 0, Abstain: 0, Voted: 1, Seats: 3}, ChairDecision: true}},
		{initiativeAgg(ini), OwnerAssigned{PersonID: dan, CrewID: crewA}},
		{initiativeAgg(ini), InitiativeStarted{}},
		{initiativeAgg(ini), ProgressReported{Note: "menu cut from 7 to 3 options", PercentComplete: &ten}},
		{initiativeAgg(ini), InitiativeCompleted{Outcome: "abandonment down from 18% to 9%"}},
		{initiativeAgg(ini), InitiativeCancelled{Reason: "superseded by the chatbot initiative"}},
		{journeyAgg(jny), JourneyMapped{JourneyID: jny, Name: "Retail banking", Segment: "young adults"}},
		{journeyAgg(jny), StageAdded{StageID: stg1, Name: "Acquisition", Position: 1}},
		{journeyAgg(jny), StageRenamed{StageID: stg1, Name: "Awareness"}},
		{journeyAgg(jny), StageMoved{StageID: stg1, Position: 2}},
		{journeyAgg(jny), TouchpointAdded{TouchpointID: tp1, StageID: stg1, Name: "Call centre", Channel: "phone", OwnerCrewID: crewA}},
		{journeyAgg(jny), TouchpointOwnerChanged{TouchpointID: tp1, OwnerCrewID: crewGone, PreviousOwnerCrewID: crewA}},
		{journeyAgg(jny), TouchpointRetired{TouchpointID: tp1, Reason: "replaced by chat"}},
		{feedbackAgg(tp1), FeedbackLogged{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Comment: "twenty minutes on hold",
			Segment: "young adults", Source: SourceCallCentre, OccurredAt: time.Date(2025, 3, 2, 17, 5, 0, 0, time.UTC)}},
		{followUpAgg(fb1), FollowUpOpened{FeedbackID: fb1, TouchpointID: tp1, AssigneeID: fay, Note: "call back within 48 hours"}},
		{followUpAgg(fb1), FollowUpClosed{ActionTaken: "apologised and waived the fee", CustomerInformed: true}},
		{kpiAgg(kpi1), KPIDefined{KPIID: kpi1, Name: "Call centre NPS", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter, OwnerID: bob, Scope: "touchpoint"}},
		{kpiAgg(kpi1), KPITargetChanged{Target: 35, PreviousTarget: 30}},
		{kpiAgg(kpi1), KPIOwnerChanged{OwnerID: cat, PreviousOwnerID: bob}},
		{kpiAgg(kpi1), MeasurementRecorded{Value: 27.5, MeasuredAt: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Note: "Q1"}},
		{kpiAgg(kpi1), KPIRetired{Reason: "replaced by a journey KPI"}},
		{actionPlanAgg(plan1), ActionPlanDrafted{ActionPlanID: plan1, Account: "ACME Ltd", Title: "Q2 service plan", FeedbackIDs: []string{fb1},
			Actions: []PlannedAction{{ActionID: act1, Description: "Name one contact for escalations", OwnerID: bob}, {ActionID: act2, Description: "Weekly status call"}}}},
		{actionPlanAgg(plan1), ActionPlanShared{SharedWith: "ACME's COO", Note: "agreed in the quarterly review"}},
		{actionPlanAgg(plan1), ActionCompleted{ActionID: act1, Note: "contact named"}},
		{actionPlanAgg(plan1), ActionPlanClosed{Summary: "all actions done", OpenActions: 0}},
	}
}

// TestEveryEventTypeHasAnExample keeps examples() complete.
func TestEveryEventTypeHasAnExample(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range examples() {
		seen[Type(f.agg.Kind, f.p.EventName())] = true
	}
	for _, et := range EventTypes() {
		if !seen[et.Type] {
			t.Errorf("no example of %s", et.Type)
		}
	}
}

// TestCorpus reads every stored example of every event type and version
// through the current catalogue: each must decode, upcast, and fill the
// current payload type with no field it does not know. A registered type or
// version without an example fails, and so does an example of nothing
// registered.
func TestCorpus(t *testing.T) {
	want := map[string]bool{}
	for _, et := range EventTypes() {
		for v := 1; v <= et.Version; v++ {
			want[corpusFile(et.Type, v)] = true
			t.Run(fmt.Sprintf("%s.v%d", et.Type, v), func(t *testing.T) { readExample(t, et, v) })
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "cx.*.json"))
	for _, f := range files {
		if !want[f] {
			t.Errorf("%s is the example of no registered event type and version", f)
		}
	}
}

func readExample(t *testing.T, et EventType, v int) {
	raw, err := os.ReadFile(corpusFile(et.Type, v))
	if err != nil {
		t.Fatalf("no stored example of %s version %d (run %s for a new current version): %v", et.Type, v, generateCommand, err)
	}
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != et.Type || ev.SchemaVersion != v {
		t.Fatalf("the file holds %s version %d", ev.Type, ev.SchemaVersion)
	}
	p, err := decodePayload(ev, true)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.TypeOf(p) != et.goType {
		t.Fatalf("decoded as %T", p)
	}
	s := NewState()
	rec := Record{Seq: 1, Subject: "cx." + strings.Replace(ev.Subject, "/", ".", 1) + "." + ev.Name(), Event: ev, Raw: raw}
	if err := s.Apply(rec); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

// writeMissingExamples writes the example of each current event version
// that has no file yet. It never rewrites a file: the corpus stands for
// events already stored, which no release may stop reading.
func writeMissingExamples(t testing.TB) {
	for i, f := range examples() {
		et := catalogue.byGoType[reflect.TypeOf(f.p)]
		path := corpusFile(et.Type, et.Version)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		ev, err := buildEvent(f.agg, f.p, 1, Meta{Actor: ann, CorrelationID: id(90), CausationID: id(91), Time: testTime})
		if err != nil {
			t.Fatal(err)
		}
		ev.ID = id(100 + i)
		out, err := json.MarshalIndent(ev, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// TestFeedbackLoggedV1IsUpcast reads a stored version 1 feedback item, which
// had no source, as version 2 from the survey tool.
func TestFeedbackLoggedV1IsUpcast(t *testing.T) {
	raw, err := os.ReadFile(corpusFile(Type(KindFeedback, EventFeedbackLogged), 1))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if ev.SchemaVersion != 1 || strings.Contains(string(ev.Data), "source") {
		t.Fatalf("the example is not version 1: %s", ev.Data)
	}
	p, err := DecodePayload(ev)
	if err != nil {
		t.Fatal(err)
	}
	got := p.(FeedbackLogged)
	if got.Source != SourceSurvey || got.Score != 9 || got.Metric != MetricNPS || got.FeedbackID == "" {
		t.Fatalf("upcast to %+v", got)
	}
	up, err := Upcast(ev)
	if err != nil || up.SchemaVersion != 2 {
		t.Fatalf("upcast event %v, %v", up.SchemaVersion, err)
	}
	// A source written into a version 1 event by hand is kept.
	ev.Data = json.RawMessage(`{"feedback_id":"x","source":"ambassador"}`)
	if p, err := DecodePayload(ev); err != nil || p.(FeedbackLogged).Source != SourceAmbassador {
		t.Fatalf("kept source: %v %v", p, err)
	}
}

func TestUpcastRefusesWhatItCannotRead(t *testing.T) {
	ev, err := buildEvent(feedbackAgg(tp1), FeedbackLogged{FeedbackID: fb1, Metric: MetricNPS, Source: SourceSurvey}, 1, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	newer := ev
	newer.SchemaVersion = 3
	if _, err := DecodePayload(newer); err == nil {
		t.Error("a newer schema version than known should be refused")
	}
	unknown := ev
	unknown.Type = "cx.feedback.feedback_forgotten"
	if _, err := DecodePayload(unknown); err == nil {
		t.Error("an unknown type should be refused")
	}
	old := ev
	old.SchemaVersion = 1
	old.Data = json.RawMessage(`[1,2]`)
	if _, err := DecodePayload(old); err == nil {
		t.Error("a version 1 payload that is no object should be refused")
	}
}
