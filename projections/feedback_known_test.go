package projections

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// keptWindows counts the windows the feedback model keeps.
func keptWindows(m *Feedback) int {
	m.known.mu.Lock()
	defer m.known.mu.Unlock()
	return len(m.known.windows)
}

// outcomesJSON is the decision log's outcomes, as the API writes them.
func outcomesJSON(t *testing.T, v *Views, now time.Time) []byte {
	t.Helper()
	ds := v.Initiatives.Decisions(DecisionFilter{})
	if err := v.Outcomes(ds, now); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// beforeFigures are the figures known at each decision, and nothing else.
func beforeFigures(t *testing.T, v *Views, now time.Time) []byte {
	t.Helper()
	ds := v.Initiatives.Decisions(DecisionFilter{})
	if err := v.Outcomes(ds, now); err != nil {
		t.Fatal(err)
	}
	var out []any
	for _, d := range ds {
		o := d.Outcome
		out = append(out, o.Before)
		for _, x := range append(o.Stages, o.Touchpoints...) {
			out = append(out, x.Before)
		}
		for _, k := range o.KPIs {
			out = append(out, k.Before)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The figures known at a decision are read once and kept; what is kept
// answers byte for byte what a computation afresh does, before and after
// more feedback: feedback back-dated into a decision's window and
// recorded later changes nothing known at the decision, and feedback in
// a window after it shows there.
func TestKnownSumsAreThoseComputedAfresh(t *testing.T) {
	v, tp, now := outcomeTape(t)
	afresh := func() []byte {
		v.Feedback.known.reset()
		return outcomesJSON(t, v, now)
	}
	first := outcomesJSON(t, v, now)
	// Both decisions' windows (every segment read: all, and smb's KPI).
	if n := keptWindows(v.Feedback); n != 3 {
		t.Fatalf("%d windows kept, want 3", n)
	}
	if kept := outcomesJSON(t, v, now); !bytes.Equal(kept, first) {
		t.Fatalf("kept:\n%s\nfirst:\n%s", kept, first)
	}
	if fresh := afresh(); !bytes.Equal(fresh, first) {
		t.Fatalf("afresh:\n%s\nkept:\n%s", fresh, first)
	}
	// What is kept is what is read: a kept window changed shows.
	v.Feedback.known.mu.Lock()
	for _, w := range v.Feedback.known.windows {
		for tp := range w.done {
			w.sums[tp] = events.Summary{NPSCount: 1, Promoters: 1}
		}
	}
	v.Feedback.known.mu.Unlock()
	if tampered := outcomesJSON(t, v, now); bytes.Equal(tampered, first) {
		t.Fatal("the kept windows are not read")
	}
	v.Feedback.known.reset()
	before := beforeFigures(t, v, now)

	// On 2 December the log records two 0s at the web form that happened
	// on 15 March, in the window known at the first decision, and a 0 at
	// the app on 30 November, in the work on the app since 1 August.
	next := 900
	tp.At(time.Date(2025, 12, 2, 9, 0, 0, 0, time.UTC))
	logIn(tp, &next, fxWeb, events.MetricNPS, "", time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC), 0, 0)
	logIn(tp, &next, fxApp, events.MetricNPS, "", time.Date(2025, 11, 30, 0, 0, 0, 0, time.UTC), 0)
	after := outcomesJSON(t, v, now)
	if bytes.Equal(after, first) {
		t.Fatal("the feedback after the decisions changed nothing")
	}
	if fresh := afresh(); !bytes.Equal(fresh, after) {
		t.Fatalf("afresh:\n%s\nkept:\n%s", fresh, after)
	}
	if got := beforeFigures(t, v, now); !bytes.Equal(got, before) {
		t.Fatalf("known at the decisions, after the back-dated feedback:\n%s\nbefore it:\n%s", got, before)
	}
	if got := afresh(); !bytes.Equal(got, after) {
		t.Fatal("a second computation afresh differs")
	}

	// After a restore the model has seen no record: the report history,
	// which a checkpoint keeps, says how far the log has settled.
	v.Feedback.known.reset()
	if got := outcomesJSON(t, v, now); !bytes.Equal(got, after) || keptWindows(v.Feedback) == 0 {
		t.Fatalf("after a restore, %d windows kept:\n%s", keptWindows(v.Feedback), got)
	}
}

// A window whose recorded time the log has not passed is not kept: until
// the log holds a record stored after a decision, it is read afresh.
func TestTheWindowKnownAtTheLatestDecisionIsNotKept(t *testing.T) {
	v := NewViews()
	models := []eventtest.Model{}
	for _, m := range v.Models() {
		models = append(models, m)
	}
	tp := eventtest.New(t, models...)
	at := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 9, 0, 0, 0, time.UTC) }
	tp.At(at(1, 2))
	mapFixture(tp)
	next := 100
	logIn(tp, &next, fxWeb, events.MetricNPS, "", at(3, 1), 0, 10)
	tp.At(at(4, 1))
	tp.Play(events.Aggregate{Kind: events.KindInitiative, ID: oxDone},
		events.InitiativeProposed{InitiativeID: oxDone, Title: "Call back", Problem: "p", ProposedBy: "a", TouchpointIDs: []string{fxWeb}},
		events.InitiativeDecided{Outcome: events.OutcomeApproved, DecidedBy: "a", Quorum: true, Tally: events.Tally{Approve: 2, Voted: 2, Seats: 3}})
	now := at(4, 2)
	first := beforeFigures(t, v, now)
	if n := keptWindows(v.Feedback); n != 0 {
		t.Fatalf("%d windows kept before the log passed the decision", n)
	}
	// Recorded a minute later: back-dated into its window, yet unknown at
	// it.
	tp.At(at(4, 1).Add(time.Minute))
	logIn(tp, &next, fxWeb, events.MetricNPS, "", at(3, 2), 10, 10)
	if got := beforeFigures(t, v, now); !bytes.Equal(got, first) || keptWindows(v.Feedback) != 1 {
		t.Fatalf("%d windows kept; known at the decision:\n%s\nfirst:\n%s", keptWindows(v.Feedback), got, first)
	}
}
