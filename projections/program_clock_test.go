package projections_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/projections"
)

// dated writes commands with business times on an Engine whose clock is
// pinned, as an import or the demo writes a past it loads today.
type dated struct {
	t      *testing.T
	engine *events.Engine
	store  events.Store
}

func newDated(t *testing.T, now time.Time) *dated {
	t.Helper()
	store := jstest.Start(t)
	e, err := events.NewEngine(store, events.WithClock(events.FixedClock(now)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = store.Follow(ctx, events.FromSeq(1), e.Apply) }()
	t.Cleanup(func() { cancel(); <-done })
	return &dated{t: t, engine: e, store: store}
}

// at writes the commands, each dated at.
func (d *dated) at(at time.Time, cmds ...events.Command) {
	d.t.Helper()
	for _, c := range cmds {
		if _, err := d.engine.Execute(context.Background(), c, events.Meta{Actor: "script", Time: at}); err != nil {
			d.t.Fatalf("%T at %v: %v", c, at, err)
		}
	}
}

// views replays the whole log into fresh views.
func (d *dated) views() *projections.Views {
	d.t.Helper()
	v := projections.NewViews()
	if _, err := projections.Replay(context.Background(), d.store, projections.Range{}, v.Models(), projections.Options{}); err != nil {
		d.t.Fatal(err)
	}
	return v
}

// records are every record of the log, in order.
func (d *dated) records() []events.Record {
	d.t.Helper()
	var out []events.Record
	if err := d.store.Read(context.Background(), events.FromSeq(1), func(r events.Record) error { out = append(out, r); return nil }); err != nil {
		d.t.Fatal(err)
	}
	return out
}

// late are the sequences of the records clock finds recorded late.
func late(clock *projections.ProgramClock, recs []events.Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		if clock.Late(r.Seq, r.Event.Time) {
			out = append(out, r.Seq)
		}
	}
	return out
}

func day(month time.Month, d int) time.Time { return time.Date(2025, month, d, 10, 0, 0, 0, time.UTC) }

// A year loaded today in the order it happened, but for one decision taken
// in May and written after the summer's events: that decision, and only
// it, is recorded late, though every event of the load was recorded today,
// months after it happened.
func TestOnlyTheDecisionWrittenAfterLaterEventsOfAYearLoadedAtOnceIsRecordedLate(t *testing.T) {
	d := newDated(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	chair, member := events.NewID(), events.NewID()
	spring, summer, autumn := events.NewID(), events.NewID(), events.NewID()
	d.at(day(1, 6), events.RegisterPerson{PersonID: chair, Name: "Ana", Email: "ana@example.com", Department: "Operations"},
		events.RegisterPerson{PersonID: member, Name: "Bo", Email: "bo@example.com", Department: "Sales"},
		events.SeatMember{PersonID: chair, Department: "Operations", Chair: true})
	d.at(day(2, 3), events.SeatMember{PersonID: member, Department: "Sales"})
	d.at(day(3, 10), events.ProposeInitiative{InitiativeID: spring, Title: "Shorter signup", Problem: "drop-off", ProposedBy: member})
	d.at(day(4, 2), events.CastVote{InitiativeID: spring, PersonID: chair, Vote: events.VoteApprove},
		events.CastVote{InitiativeID: spring, PersonID: member, Vote: events.VoteApprove})
	d.at(day(6, 20), events.ProposeInitiative{InitiativeID: summer, Title: "Callback", Problem: "queues", ProposedBy: chair})
	d.at(day(7, 8), events.DecideInitiative{InitiativeID: summer, DecidedBy: chair, Outcome: events.OutcomeRejected, Rationale: "cost"})
	d.at(day(8, 14), events.ProposeInitiative{InitiativeID: autumn, Title: "Chat", Problem: "slow answers", ProposedBy: member})
	d.at(day(9, 1), events.CastVote{InitiativeID: autumn, PersonID: chair, Vote: events.VoteApprove})
	// The May meeting's decision, entered after the summer's events.
	d.at(day(5, 15), events.DecideInitiative{InitiativeID: spring, DecidedBy: chair, Outcome: events.OutcomeApproved, Rationale: "go"})
	d.at(day(10, 6), events.CastVote{InitiativeID: autumn, PersonID: member, Vote: events.VoteApprove},
		events.DecideInitiative{InitiativeID: autumn, DecidedBy: chair, Outcome: events.OutcomeApproved})

	recs := d.records()
	for _, r := range recs {
		if r.Stored.Sub(r.Event.Time) < 30*24*time.Hour {
			t.Fatalf("record %d was recorded %v, happened %v: the load should be recorded months after it happened", r.Seq, r.Stored, r.Event.Time)
		}
	}
	var mayDecision uint64
	for _, r := range recs {
		if r.Event.Time.Equal(day(5, 15)) {
			mayDecision = r.Seq
		}
	}
	v := d.views()
	if got := late(v.Clock, recs); len(got) != 1 || got[0] != mayDecision {
		t.Fatalf("recorded late: sequences %v, want only the May decision's, %d", got, mayDecision)
	}
	if by := v.Clock.LateBy(mayDecision, day(5, 15)); by < day(9, 1).Sub(day(5, 15)) || by > day(9, 1).Sub(day(5, 15))+time.Hour {
		t.Errorf("the May decision was recorded %v after the program's time, want about %v", by, day(9, 1).Sub(day(5, 15)))
	}
	lateDecisions := map[string]bool{}
	for _, dec := range v.Initiatives.Decisions(projections.DecisionFilter{}) {
		lateDecisions[dec.InitiativeID] = dec.Decision.RecordedLate
	}
	if want := map[string]bool{spring: true, summer: false, autumn: false}; len(lateDecisions) != 3 ||
		lateDecisions[spring] != want[spring] || lateDecisions[summer] || lateDecisions[autumn] {
		t.Errorf("decisions recorded late %v, want %v", lateDecisions, want)
	}
	if got, ok := v.Initiatives.Get(spring); !ok || got.Decision == nil || !got.Decision.RecordedLate {
		t.Errorf("the initiative's own decision is not marked recorded late: %+v", got.Decision)
	}
	// An initiative built from its own events alone (time travel) is judged
	// by the views' clock.
	own := projections.NewInitiatives().JudgedBy(v.Clock)
	if _, err := projections.Replay(context.Background(), d.store, projections.Range{Subject: "cx.initiative." + spring + ".>"}, []projections.Model{own}, projections.Options{}); err != nil {
		t.Fatal(err)
	}
	if got, ok := own.Get(spring); !ok || got.Decision == nil || !got.Decision.RecordedLate {
		t.Errorf("the decision as time travel builds it is not marked recorded late: %+v", got.Decision)
	}
}

// In a log written live, an event back-dated by three days after today's
// events is recorded late; one back-dated by less than a day is not.
func TestALiveWriteBackDatedByThreeDaysIsRecordedLate(t *testing.T) {
	now := time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC)
	d := newDated(t, now)
	a, b, c := events.NewID(), events.NewID(), events.NewID()
	d.at(now.Add(-2*time.Hour), events.RegisterPerson{PersonID: a, Name: "Ana", Email: "ana@example.com", Department: "Operations"})
	d.at(now.Add(-time.Hour), events.RegisterPerson{PersonID: b, Name: "Bo", Email: "bo@example.com", Department: "Sales"})
	d.at(now.Add(-20*time.Hour), events.RegisterPerson{PersonID: c, Name: "Cy", Email: "cy@example.com", Department: "IT"})
	d.at(now.Add(-3*24*time.Hour), events.SeatMember{PersonID: c, Department: "IT"})
	d.at(now, events.SeatMember{PersonID: a, Department: "Operations"})

	recs := d.records()
	if got := late(d.views().Clock, recs); len(got) != 1 || got[0] != recs[3].Seq {
		t.Fatalf("recorded late: sequences %v, want only the write back-dated by three days, %d", got, recs[3].Seq)
	}
}

// The clock saved into a checkpoint loads as it was: the same bytes saved
// again, and the same answer for every event.
func TestTheProgramClockRoundTripsThroughACheckpoint(t *testing.T) {
	clock := projections.NewProgramClock()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []events.Record
	for i := range 2000 {
		// Mostly forward by half an hour, now and then an event from days
		// before.
		at := start.Add(time.Duration(i) * 30 * time.Minute)
		if i%97 == 0 {
			at = at.Add(-time.Duration(i%5+1) * 24 * time.Hour)
		}
		rec := events.Record{Seq: uint64(i + 1), Event: events.Event{Time: at}}
		recs = append(recs, rec)
		if err := clock.Apply(rec, nil); err != nil {
			t.Fatal(err)
		}
	}
	var saved bytes.Buffer
	if err := clock.SaveCheckpoint(&saved); err != nil {
		t.Fatal(err)
	}
	back := projections.NewProgramClock()
	if err := back.LoadCheckpoint(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := back.SaveCheckpoint(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved.Bytes(), again.Bytes()) {
		t.Fatalf("saved again after loading, the clock differs:\n%s\n%s", saved.Bytes(), again.Bytes())
	}
	if back.Applied() != 2000 {
		t.Errorf("loaded clock applied %d, want 2000", back.Applied())
	}
	want := late(clock, recs)
	if len(want) < 15 {
		t.Fatalf("only %d events recorded late: the script should back-date about 20 by more than a day", len(want))
	}
	if got := late(back, recs); len(got) != len(want) {
		t.Fatalf("loaded, the clock finds %d late, saved it found %d", len(got), len(want))
	}
	for i, r := range recs {
		if clock.LateBy(r.Seq, r.Event.Time) != back.LateBy(r.Seq, r.Event.Time) {
			t.Fatalf("record %d: late by %v saved, %v loaded", i, clock.LateBy(r.Seq, r.Event.Time), back.LateBy(r.Seq, r.Event.Time))
		}
	}
	if err := back.LoadCheckpoint(bytes.NewReader([]byte(`{"points":[],"bogus":1}`))); err == nil {
		t.Error("a checkpoint with an unknown field loaded")
	}
}

// BenchmarkProgramClock measures what the clock adds to the replay of each
// record (apply) and to each event an answer marks (late), on a year of
// events a few minutes apart: in memory, with no JetStream to compare with.
func BenchmarkProgramClock(b *testing.B) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const year = 100_000 // an event every 5¼ minutes
	recs := make([]events.Record, year)
	for i := range recs {
		recs[i] = events.Record{Seq: uint64(i + 1), Subject: "cx.person.x.person_registered", Event: events.Event{Time: start.Add(time.Duration(i) * 315 * time.Second)}}
	}
	b.Run("apply", func(b *testing.B) {
		clock := projections.NewProgramClock()
		for i := range b.N {
			r := recs[i%year]
			r.Seq = uint64(i + 1)
			r.Event.Time = r.Event.Time.Add(time.Duration(i/year) * 365 * 24 * time.Hour)
			_ = clock.Apply(r, nil)
		}
	})
	b.Run("late", func(b *testing.B) {
		clock := projections.NewProgramClock()
		for _, r := range recs {
			_ = clock.Apply(r, nil)
		}
		b.ResetTimer()
		for i := range b.N {
			r := recs[i%year]
			_ = clock.Late(r.Seq, r.Event.Time)
		}
	})
}
