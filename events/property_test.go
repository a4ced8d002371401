package events

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// Pools of ids the random commands draw from: small, so that commands
// collide on the same entities and most rules get exercised.
var (
	poolPeople      = []string{id(201), id(202), id(203), id(204), id(205), id(206)}
	poolCrews       = []string{id(211), id(212), id(213)}
	poolInitiatives = []string{id(221), id(222), id(223)}
	poolJourneys    = []string{id(231), id(232)}
	poolStages      = []string{id(241), id(242), id(243), id(244)}
	poolTouchpoints = []string{id(251), id(252), id(253), id(254)}
	poolFeedback    = []string{id(261), id(262), id(263), id(264), id(265), id(266)}
	poolKPIs        = []string{id(271), id(272)}
	poolPlans       = []string{id(281), id(282)}
	poolActions     = []string{id(291), id(292)}
)

// emitted counts, over all runs, the events the random commands produced,
// so the test can tell that it reached the interesting rules.
var emitted = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// commandGen draws one command of every kind, with values that are now and
// then invalid.
func commandGen() *rapid.Generator[Command] {
	pick := func(pool []string) *rapid.Generator[string] { return rapid.SampledFrom(pool) }
	word := rapid.SampledFrom([]string{"a", "b", "Sales", ""})
	person, crew, initiative := pick(poolPeople), pick(poolCrews), pick(poolInitiatives)
	journey, stage, touchpoint := pick(poolJourneys), pick(poolStages), pick(poolTouchpoints)
	feedback, kpi, plan, action := pick(poolFeedback), pick(poolKPIs), pick(poolPlans), pick(poolActions)
	gens := []*rapid.Generator[Command]{
		rapid.Custom(func(t *rapid.T) Command {
			p := person.Draw(t, "person")
			return RegisterPerson{PersonID: p, Name: "N", Email: p + "@example.com", Department: "Sales"}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return ChangePersonDetails{PersonID: person.Draw(t, "person"), Department: ptr(word.Draw(t, "department"))}
		}),
		// The chair and one member never leave, so that runs keep a council.
		rapid.Custom(func(t *rapid.T) Command { return RecordDeparture{PersonID: pick(poolPeople[2:]).Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command { return AppointSponsor{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command { return AppointCXManager{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return AssignAmbassador{PersonID: person.Draw(t, "person"), Department: word.Draw(t, "d")}
		}),
		rapid.Custom(func(t *rapid.T) Command { return ReleaseAmbassador{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return NameExpert{PersonID: person.Draw(t, "person"), Unit: word.Draw(t, "unit")}
		}),
		rapid.Custom(func(t *rapid.T) Command { return ReleaseExpert{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return SeatMember{PersonID: person.Draw(t, "person"), Chair: rapid.Bool().Draw(t, "chair")}
		}),
		rapid.Custom(func(t *rapid.T) Command { return UnseatMember{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command { return ChangeChair{PersonID: person.Draw(t, "person")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return FormCrew{CrewID: crew.Draw(t, "crew"), Name: "C", Type: rapid.SampledFrom(append([]string{"tribe"}, CrewTypes...)).Draw(t, "type"), Purpose: "p"}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return JoinCrew{CrewID: crew.Draw(t, "crew"), PersonID: person.Draw(t, "person"), Role: rapid.SampledFrom([]string{RoleLead, RoleMember, "boss"}).Draw(t, "role")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return LeaveCrew{CrewID: crew.Draw(t, "crew"), PersonID: person.Draw(t, "person")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return ChangeCrewPurpose{CrewID: crew.Draw(t, "crew"), Purpose: word.Draw(t, "purpose")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return DisbandCrew{CrewID: crew.Draw(t, "crew"), Reason: word.Draw(t, "reason")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			c := ProposeInitiative{InitiativeID: initiative.Draw(t, "initiative"), Title: "T", Problem: "P", ProposedBy: person.Draw(t, "person")}
			if rapid.IntRange(0, 3).Draw(t, "targets") == 0 {
				c.StageIDs, c.TouchpointIDs = []string{stage.Draw(t, "stage")}, []string{touchpoint.Draw(t, "touchpoint")}
			}
			return c
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return CastVote{InitiativeID: initiative.Draw(t, "initiative"), PersonID: person.Draw(t, "person"),
				Vote: rapid.SampledFrom([]string{VoteApprove, VoteReject, VoteAbstain, "yes"}).Draw(t, "vote")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return DecideInitiative{InitiativeID: initiative.Draw(t, "initiative"), DecidedBy: person.Draw(t, "person"),
				Outcome: rapid.SampledFrom(Outcomes).Draw(t, "outcome"), Rationale: word.Draw(t, "rationale")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return AssignOwner{InitiativeID: initiative.Draw(t, "initiative"), PersonID: person.Draw(t, "person"), CrewID: crew.Draw(t, "crew")}
		}),
		rapid.Custom(func(t *rapid.T) Command { return StartInitiative{InitiativeID: initiative.Draw(t, "initiative")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return ReportProgress{InitiativeID: initiative.Draw(t, "initiative"), Note: "n"}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return CompleteInitiative{InitiativeID: initiative.Draw(t, "initiative"), Outcome: "o"}
		}),
		// The prelude's initiative is never cancelled, so that runs reach its later life.
		rapid.Custom(func(t *rapid.T) Command {
			return CancelInitiative{InitiativeID: pick(poolInitiatives[1:]).Draw(t, "initiative"), Reason: "r"}
		}),
		rapid.Custom(func(t *rapid.T) Command { return MapJourney{JourneyID: journey.Draw(t, "journey"), Name: "J"} }),
		rapid.Custom(func(t *rapid.T) Command {
			return AddStage{JourneyID: journey.Draw(t, "journey"), StageID: stage.Draw(t, "stage"),
				Name: rapid.SampledFrom([]string{"Acquisition", "Activation", "Retention", "Referral", "Revenue"}).Draw(t, "name"), Position: rapid.IntRange(0, 3).Draw(t, "position")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return MoveStage{JourneyID: journey.Draw(t, "journey"), StageID: stage.Draw(t, "stage"), Position: rapid.IntRange(0, 4).Draw(t, "position")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return RenameStage{JourneyID: journey.Draw(t, "journey"), StageID: stage.Draw(t, "stage"), Name: word.Draw(t, "name")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			c := AddTouchpoint{JourneyID: journey.Draw(t, "journey"), TouchpointID: touchpoint.Draw(t, "touchpoint"), StageID: stage.Draw(t, "stage"), Name: "T", Channel: "phone"}
			if rapid.Bool().Draw(t, "owned") {
				c.OwnerCrewID = crew.Draw(t, "crew")
			}
			return c
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return ChangeTouchpointOwner{JourneyID: journey.Draw(t, "journey"), TouchpointID: touchpoint.Draw(t, "touchpoint"), OwnerCrewID: crew.Draw(t, "crew")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return RetireTouchpoint{JourneyID: journey.Draw(t, "journey"), TouchpointID: touchpoint.Draw(t, "touchpoint")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return LogFeedback{FeedbackID: feedback.Draw(t, "feedback"), TouchpointID: touchpoint.Draw(t, "touchpoint"),
				Metric: rapid.SampledFrom(Metrics).Draw(t, "metric"), Score: rapid.IntRange(-1, 11).Draw(t, "score"), Source: SourceSurvey}
		}),
		rapid.Custom(func(t *rapid.T) Command { return OpenFollowUp{FeedbackID: feedback.Draw(t, "feedback")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return CloseFollowUp{FeedbackID: feedback.Draw(t, "feedback"), ActionTaken: word.Draw(t, "action")}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return DefineKPI{KPIID: kpi.Draw(t, "kpi"), Name: "K", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return ChangeKPI{KPIID: kpi.Draw(t, "kpi"), Target: ptr(float64(rapid.IntRange(0, 3).Draw(t, "target"))), OwnerID: ptr(person.Draw(t, "person"))}
		}),
		rapid.Custom(func(t *rapid.T) Command { return RecordMeasurement{KPIID: kpi.Draw(t, "kpi"), Value: 1} }),
		rapid.Custom(func(t *rapid.T) Command { return RetireKPI{KPIID: kpi.Draw(t, "kpi")} }),
		rapid.Custom(func(t *rapid.T) Command {
			return DraftActionPlan{ActionPlanID: plan.Draw(t, "plan"), Account: "ACME", Title: "T", FeedbackIDs: []string{feedback.Draw(t, "feedback")},
				Actions: []PlannedAction{{ActionID: poolActions[0], Description: "d"}, {ActionID: poolActions[1], Description: "d"}}}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return ShareActionPlan{ActionPlanID: plan.Draw(t, "plan"), SharedWith: "COO"}
		}),
		rapid.Custom(func(t *rapid.T) Command {
			return CompleteAction{ActionPlanID: plan.Draw(t, "plan"), ActionID: action.Draw(t, "action")}
		}),
		rapid.Custom(func(t *rapid.T) Command { return CloseActionPlan{ActionPlanID: plan.Draw(t, "plan")} }),
	}
	// The commands that need the most state before them are drawn more
	// often, so that runs reach decisions, work and
	// closed loops.
	frequent := []int{13, 17, 18, 18, 19, 19, 21, 32, 32, 33, 34, 40}
	for _, i := range frequent {
		gens = append(gens, gens[i], gens[i])
	}
	return rapid.OneOf(gens...)
}

// prelude is the program every run starts from: people, a council with a
// chair, an expert, crews, journeys with stages and touchpoints, and one
// approved initiative, so that every run can reach work on it whatever
// the draws (a run left to approve one by chance reached it in most
// seeds, not all). The pools keep ids that the random commands may still
// create; only the random commands' events count towards the coverage
// the test asks for.
func prelude() []Command {
	var out []Command
	for _, p := range poolPeople {
		out = append(out, RegisterPerson{PersonID: p, Name: "N", Email: p + "@example.com", Department: "Sales"})
	}
	return append(out,
		SeatMember{PersonID: poolPeople[0], Chair: true},
		SeatMember{PersonID: poolPeople[1]},
		SeatMember{PersonID: poolPeople[2]},
		NameExpert{PersonID: poolPeople[3], Unit: "Retail"},
		FormCrew{CrewID: poolCrews[0], Name: "A", Type: CrewExperience, Purpose: "p"},
		FormCrew{CrewID: poolCrews[1], Name: "B", Type: CrewValueStream, Purpose: "p"},
		MapJourney{JourneyID: poolJourneys[0], Name: "J0"},
		MapJourney{JourneyID: poolJourneys[1], Name: "J1"},
		AddStage{JourneyID: poolJourneys[0], StageID: poolStages[0], Name: "Acquisition"},
		AddStage{JourneyID: poolJourneys[0], StageID: poolStages[1], Name: "Activation"},
		AddStage{JourneyID: poolJourneys[1], StageID: poolStages[2], Name: "Acquisition"},
		AddTouchpoint{JourneyID: poolJourneys[0], TouchpointID: poolTouchpoints[0], StageID: poolStages[0], Name: "T", Channel: "phone", OwnerCrewID: poolCrews[0]},
		AddTouchpoint{JourneyID: poolJourneys[1], TouchpointID: poolTouchpoints[1], StageID: poolStages[2], Name: "T", Channel: "web"},
		ProposeInitiative{InitiativeID: poolInitiatives[0], Title: "T", Problem: "P", ProposedBy: poolPeople[1]},
		CastVote{InitiativeID: poolInitiatives[0], PersonID: poolPeople[0], Vote: VoteApprove},
		CastVote{InitiativeID: poolInitiatives[0], PersonID: poolPeople[1], Vote: VoteApprove},
		DecideInitiative{InitiativeID: poolInitiatives[0], DecidedBy: poolPeople[0], Outcome: OutcomeApproved},
	)
}

// TestRandomCommandsKeepTheRules drives random command sequences through
// the aggregates, recording accepted events as the log would, and checks
// that each emitted event keeps the rules as they stood before it, that a
// rejected command emitted nothing and left the state alone, that the state
// keeps its invariants, and that replaying the log rebuilds the same state.
func TestRandomCommandsKeepTheRules(t *testing.T) {
	gen := commandGen()
	rapid.Check(t, func(t *rapid.T) {
		s := NewState()
		var log []Record
		steps := rapid.IntRange(100, 300).Draw(t, "steps")
		cmds := prelude()
		for i := 0; i < len(cmds)+steps; i++ {
			var cmd Command
			if i < len(cmds) {
				cmd = cmds[i]
			} else {
				cmd = gen.Draw(t, "command")
			}
			before := s.LastSeq()
			d, err := cmd.Decide(s)
			if err != nil {
				var coded *Error
				if !errors.As(err, &coded) {
					t.Fatalf("%T rejected without a code: %v", cmd, err)
				}
				if len(d.Events) != 0 {
					t.Fatalf("rejected %T emitted %v", cmd, d.Events)
				}
				if s.LastSeq() != before {
					t.Fatalf("rejected %T changed the state", cmd)
				}
				continue
			}
			for _, p := range d.Events {
				if broken := brokenRule(s, d.Aggregate, p); broken != "" {
					t.Fatalf("%T%+v emitted %T%+v, which breaks: %s", cmd, cmd, p, p, broken)
				}
			}
			log = append(log, record(t, s, d)...)
			if i >= len(cmds) {
				countEmitted(d)
			}
			if broken := brokenInvariant(s); broken != "" {
				t.Fatalf("after %T%+v: %s", cmd, cmd, broken)
			}
		}
		again := NewState()
		for _, rec := range log {
			if err := again.Apply(rec); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("replaying %d events did not rebuild the state", len(log))
		}
	})
	emitted.Lock()
	defer emitted.Unlock()
	t.Logf("events emitted: %v", emitted.n)
	for _, name := range []string{EventMemberJoined, EventVoteCast, EventInitiativeDecided, EventInitiativeStarted,
		EventTouchpointAdded, EventFeedbackLogged, EventFollowUpOpened, EventSponsorAppointed, EventMemberSeated, EventActionPlanDrafted} {
		if emitted.n[name] == 0 {
			t.Errorf("the random commands never produced %s; the generator needs tuning", name)
		}
	}
}

func countEmitted(d Decision) {
	emitted.Lock()
	defer emitted.Unlock()
	for _, p := range d.Events {
		emitted.n[p.EventName()]++
	}
}

// active restates "a person exists and has not left" from the state's data.
func active(s *State, pid string) bool {
	p, ok := s.people[pid]
	return ok && !p.Left
}

// brokenRule restates the rules each command's Decide enforces in this
// package, written independently of the deciders, for one event about to
// be recorded on agg, and names the rule it breaks.
func brokenRule(s *State, agg Aggregate, p Payload) string {
	switch e := p.(type) {
	case SponsorAppointed:
		if !active(s, e.PersonID) || e.PreviousPersonID != s.program.SponsorID {
			return "one sponsor at a time, a person who has not left"
		}
	case MemberSeated:
		if _, ok := s.council.Seats[e.PersonID]; ok || !active(s, e.PersonID) || (e.Chair && s.council.ChairID != "") {
			return "one seat per person, one chair"
		}
	case MemberJoined:
		c, ok := s.crews[agg.ID]
		if !ok || c.Disbanded || !active(s, e.PersonID) {
			return "a disbanded crew takes no members"
		}
	case InitiativeProposed:
		if _, ok := s.council.Seats[e.ProposedBy]; !ok || !active(s, e.ProposedBy) {
			return "only a seated council member proposes"
		}
	case VoteCast:
		in := s.initiatives[agg.ID]
		if _, ok := s.council.Seats[e.PersonID]; !ok || !active(s, e.PersonID) || in.Status != StatusProposed {
			return "only a seated member votes, before the decision"
		}
	case InitiativeDecided:
		in := s.initiatives[agg.ID]
		seats, voted := 0, 0
		for pid := range s.council.Seats {
			if active(s, pid) {
				seats++
				if _, ok := in.Votes[pid]; ok {
					voted++
				}
			}
		}
		quorum := 2*voted > seats
		if in.Status != StatusProposed || e.Tally.Voted != voted || e.Tally.Seats != seats || e.Quorum != quorum {
			return "a decision only on a proposed initiative, with its tally"
		}
		if !quorum && (e.DecidedBy != s.council.ChairID || e.Rationale == "") {
			return "without a quorum only the chair decides, with a rationale"
		}
	case InitiativeStarted:
		if s.initiatives[agg.ID].Status != StatusApproved {
			return "work starts only on an approved initiative"
		}
	case TouchpointAdded:
		j := s.journeys[agg.ID]
		if j.stageIndex(e.StageID) < 0 {
			return "a touchpoint belongs to a stage of its own journey"
		}
		if c, ok := s.crews[e.OwnerCrewID]; e.OwnerCrewID != "" && (!ok || c.Disbanded) {
			return "a touchpoint's owner is a crew that is not disbanded"
		}
	case FeedbackLogged:
		tp, ok := s.Touchpoint(e.TouchpointID)
		sc := scales[e.Metric]
		if !ok || tp.Retired || agg.ID != e.TouchpointID || e.Score < sc.Min || e.Score > sc.Max {
			return "feedback on its scale, at a touchpoint that is not retired"
		}
	case FollowUpOpened:
		if _, ok := s.feedback.get(e.FeedbackID); !ok {
			return "a follow-up only for feedback that exists"
		}
	}
	return ""
}

// brokenInvariant names a rule the whole state breaks, if any.
func brokenInvariant(s *State) string {
	if c := s.council.ChairID; c != "" {
		if _, ok := s.council.Seats[c]; !ok {
			return "the chair holds no seat"
		}
	}
	for _, j := range s.journeys {
		for _, tp := range j.Touchpoints {
			if j.stageIndex(tp.StageID) < 0 {
				return "a touchpoint is at a stage of another journey"
			}
		}
		for _, st := range j.Stages {
			if s.stages[st.ID] != j.ID {
				return "the stage index is wrong"
			}
		}
	}
	for _, in := range s.initiatives {
		if in.Status != StatusProposed && len(in.Votes) > 0 && in.Decision == nil && in.Status != StatusCancelled {
			return "an initiative left the proposal without a decision"
		}
		if slices.Contains([]string{StatusInProgress, StatusCompleted}, in.Status) && (in.Decision == nil || in.Decision.Outcome != OutcomeApproved) {
			return "work on an initiative that was not approved"
		}
	}
	return ""
}
