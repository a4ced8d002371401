package events

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fact is one past or expected event of a given/when/then table.
type fact struct {
	agg Aggregate
	p   Payload
}

// on is the facts of ps, in order, on agg.
func on(agg Aggregate, ps ...Payload) []fact {
	out := make([]fact, len(ps))
	for i, p := range ps {
		out[i] = fact{agg, p}
	}
	return out
}

// given joins groups of facts into one history.
func given(groups ...[]fact) []fact { return slices.Concat(groups...) }

// scenario is one row of a given/when/then table: given past events, when a
// command, then these events (none when then is nil and code is empty) or a
// rejection with this code, naming field when it is an invalid value.
type scenario struct {
	name  string
	given []fact
	when  Command
	then  []fact
	code  string
	field string
}

// testTime is the time of every event the tables record.
var testTime = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// failer is what the helpers need of a *testing.T or a *rapid.T.
type failer interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// replay builds the State of a history, passing every event through its
// stored form so the tables exercise the envelope and the catalogue too.
func replay(tb failer, facts []fact) *State {
	tb.Helper()
	s := NewState()
	for _, f := range facts {
		record(tb, s, Decision{Aggregate: f.agg, Events: []Payload{f.p}})
	}
	return s
}

// record commits a decision's events to s as the log would (State.Commit,
// which events/eventtest's tape uses too), and answers the records.
func record(tb failer, s *State, d Decision) []Record {
	tb.Helper()
	recs, err := s.Commit(d, Meta{Actor: "tester", Time: testTime}, testTime)
	if err != nil {
		tb.Fatalf("record %v: %v", d, err)
	}
	return recs
}

// run plays a table. A rejected command must have left the state as it was.
func run(t *testing.T, table []scenario) {
	t.Helper()
	for _, sc := range table {
		t.Run(sc.name, func(t *testing.T) {
			s := replay(t, sc.given)
			d, err := sc.when.Decide(s)
			if !reflect.DeepEqual(s, replay(t, sc.given)) {
				t.Fatalf("deciding changed the state")
			}
			if sc.code != "" {
				if got := ErrorCode(err); got != sc.code {
					t.Fatalf("then error %s, got %v (events %v)", sc.code, err, d.Events)
				}
				if len(d.Events) != 0 {
					t.Fatalf("a rejected command emitted %v", d.Events)
				}
				if sc.field != "" && !hasField(err, sc.field) {
					t.Fatalf("then an error on %s, got %v", sc.field, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("then %v, got error %v", sc.then, err)
			}
			var got []fact
			for _, p := range d.Events {
				got = append(got, fact{d.Aggregate, p})
			}
			if !reflect.DeepEqual(got, sc.then) {
				t.Fatalf("then\n  %s\ngot\n  %s", show(sc.then), show(got))
			}
			// The events must be recordable: registered, of the aggregate's kind.
			record(t, s, d)
		})
	}
}

func hasField(err error, field string) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	return slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Field == field })
}

func show(fs []fact) string {
	if len(fs) == 0 {
		return "no events"
	}
	out := ""
	for _, f := range fs {
		out += fmt.Sprintf("%s %T%+v\n  ", f.agg, f.p, f.p)
	}
	return out
}

// id is the n-th fixture id, a valid ULID.
func id(n int) string { return fmt.Sprintf("01J00000000000000000%06d", n) }

// Fixture ids of the tables.
var (
	ann, bob, cat, dan, eve, fay = id(1), id(2), id(3), id(4), id(5), id(6)
	crewA, crewGone              = id(10), id(11)
	jny, jny2                    = id(20), id(21)
	stg1, stg2, stgOther         = id(22), id(23), id(24)
	tp1, tpOld                   = id(25), id(26)
	ini                          = id(30)
	fb1                          = id(40)
	kpi1, kpiOld                 = id(50), id(51)
	plan1, act1, act2            = id(60), id(61), id(62)
	tok1                         = id(70)
	fresh                        = id(99)
)

func personAgg(pid string) Aggregate   { return Aggregate{KindPerson, pid} }
func crewAgg(cid string) Aggregate     { return Aggregate{KindCrew, cid} }
func initiativeAgg(i string) Aggregate { return Aggregate{KindInitiative, i} }
func journeyAgg(j string) Aggregate    { return Aggregate{KindJourney, j} }
func feedbackAgg(tp string) Aggregate  { return Aggregate{KindFeedback, tp} }
func followUpAgg(fb string) Aggregate  { return Aggregate{KindFollowUp, fb} }
func kpiAgg(k string) Aggregate        { return Aggregate{KindKPI, k} }
func actionPlanAgg(p string) Aggregate { return Aggregate{KindActionPlan, p} }
func names(pid string) (string, string) {
	return "P" + pid[len(pid)-2:], "p" + pid[len(pid)-2:] + "@example.com"
}

// people registers each person, in the department Sales.
func people(pids ...string) []fact {
	var out []fact
	for _, pid := range pids {
		n, e := names(pid)
		out = append(out, on(personAgg(pid), PersonRegistered{PersonID: pid, Name: n, Email: e, Department: "Sales"})...)
	}
	return out
}

// left records that pid left.
func left(pid string) []fact { return on(personAgg(pid), PersonLeft{PersonID: pid}) }

// council registers ann, bob, cat, dan, eve and fay, seats ann (chair), bob
// and cat, names dan a business-unit expert, and records that eve left.
func council() []fact {
	return given(
		people(ann, bob, cat, dan, eve, fay),
		on(CouncilAggregate,
			MemberSeated{PersonID: ann, Department: "Sales", Chair: true},
			MemberSeated{PersonID: bob, Department: "Sales"},
			MemberSeated{PersonID: cat, Department: "Sales"}),
		on(ProgramAggregate, ExpertNamed{PersonID: dan, Unit: "Retail"}),
		left(eve),
	)
}

// crews forms crewA and crewGone, and disbands crewGone.
func crews() []fact {
	return given(
		on(crewAgg(crewA), CrewFormed{CrewID: crewA, Name: "Journey crew", Type: CrewExperience, Purpose: "Watch the seams"}),
		on(crewAgg(crewGone),
			CrewFormed{CrewID: crewGone, Name: "Old crew", Type: CrewPlatform, Purpose: "Run the old portal"},
			CrewDisbanded{Reason: "portal closed"}),
	)
}

// journeys maps jny with stages stg1 and stg2, touchpoint tp1 at stg1 owned
// by crewA and tpOld at stg2 retired, and jny2 with stage stgOther. It needs
// crews.
func journeys() []fact {
	return given(
		on(journeyAgg(jny),
			JourneyMapped{JourneyID: jny, Name: "Retail banking", Segment: "young adults"},
			StageAdded{StageID: stg1, Name: "Acquisition", Position: 1},
			StageAdded{StageID: stg2, Name: "Activation", Position: 2},
			TouchpointAdded{TouchpointID: tp1, StageID: stg1, Name: "Call centre", Channel: "phone", OwnerCrewID: crewA},
			TouchpointAdded{TouchpointID: tpOld, StageID: stg2, Name: "Fax", Channel: "fax"},
			TouchpointRetired{TouchpointID: tpOld, Reason: "nobody faxes"}),
		on(journeyAgg(jny2),
			JourneyMapped{JourneyID: jny2, Name: "Mortgage"},
			StageAdded{StageID: stgOther, Name: "Acquisition", Position: 1}),
	)
}

// world is the council, crews and journeys together.
func world() []fact { return given(council(), crews(), journeys()) }
