package events

import (
	"context"
	"errors"
	"testing"
	"time"
)

// bareEngine is an Engine whose log is never written to: enough to test how
// it applies records and wakes waiters.
func bareEngine() *Engine {
	return &Engine{attempts: 1, state: NewState(), changed: make(chan struct{})}
}

func TestEngineWaitsForApply(t *testing.T) {
	e := bareEngine()
	s := NewState()
	recs := record(t, s, Decision{Aggregate: personAgg(ann), Events: []Payload{PersonRegistered{PersonID: ann, Name: "Ann", Email: "a@example.com", Department: "Sales"}}})
	recs = append(recs, record(t, s, Decision{Aggregate: personAgg(ann), Events: []Payload{PersonLeft{PersonID: ann}}})...)

	done := make(chan error, 1)
	go func() { done <- e.WaitFor(context.Background(), 2) }()
	if err := e.Apply(recs[0]); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("WaitFor(2) returned after seq 1: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	if err := e.Apply(recs[1]); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A record applied again, as after a resumed subscription, is skipped.
	if err := e.Apply(recs[0]); err != nil {
		t.Fatal(err)
	}
	e.View(func(s *State) {
		if p, _ := s.Person(ann); !p.Left || s.Stream(personAgg(ann)).Seq != 2 || s.Stream(personAgg(ann)).Version != 2 {
			t.Fatalf("state %+v %+v", p, s.Stream(personAgg(ann)))
		}
	})
	if e.LastSeq() != 2 {
		t.Fatalf("last seq %d", e.LastSeq())
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := e.WaitFor(ctx, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor past the log: %v", err)
	}
}

func TestApplyMovesOnPastWhatItCannotRead(t *testing.T) {
	e := bareEngine()
	ev, err := NewEvent(personAgg(ann), "person_vanished", 1, 1, map[string]string{}, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Apply(Record{Seq: 1, Subject: personAgg(ann).Subject("person_vanished"), Event: ev})
	if !errors.Is(err, ErrUndecodable) {
		t.Fatalf("unknown type: %v", err)
	}
	if err := e.WaitFor(context.Background(), 1); err != nil || e.LastSeq() != 1 {
		t.Fatalf("the sequence should count as applied: %v %d", err, e.LastSeq())
	}
	// A type of one kind on another kind's subject is refused too.
	ev2, _ := buildEvent(personAgg(ann), PersonLeft{PersonID: ann}, 1, Meta{})
	if err := e.Apply(Record{Seq: 2, Subject: crewAgg(crewA).Subject(EventPersonLeft), Event: ev2}); !errors.Is(err, ErrUndecodable) {
		t.Fatalf("wrong kind: %v", err)
	}
}

func TestEventsContinueTheAggregate(t *testing.T) {
	s := replay(t, given(world(), logged(fb1, tp1, MetricNPS, 9)))
	d, err := AddStage{JourneyID: jny, StageID: fresh, Name: "Retention"}.Decide(s)
	if err != nil {
		t.Fatal(err)
	}
	evs, expect, err := s.Events(d, Meta{Actor: ann})
	if err != nil {
		t.Fatal(err)
	}
	st := s.Stream(journeyAgg(jny))
	if seq, ok := expect.Seq(); !ok || seq != st.Seq || evs[0].AggregateVersion != st.Version+1 || evs[0].Actor != ann {
		t.Fatalf("expect %v, version %d, stream %+v", expect, evs[0].AggregateVersion, st)
	}
	d, _ = MapJourney{JourneyID: fresh, Name: "New"}.Decide(s)
	if _, expect, _ := s.Events(d, Meta{}); expect != ExpectNew() {
		t.Fatalf("a new aggregate expects %v", expect)
	}
	d, _ = LogFeedback{FeedbackID: fresh, TouchpointID: tp1, Metric: MetricCES, Score: 2, Source: SourceSurvey}.Decide(s)
	if _, expect, _ := s.Events(d, Meta{}); expect != ExpectAny() {
		t.Fatalf("feedback expects %v", expect)
	}
}

func TestEventIDNamesEachEventOfADecision(t *testing.T) {
	s := replay(t, given(world()))
	d, err := LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{
		{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 9, Source: SourceSurvey},
		{FeedbackID: fresh, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey},
	}}.Decide(s)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{NewID(), NewID()}
	evs, _, err := s.Events(d, Meta{Actor: ann, EventID: func(i int) string { return ids[i] }})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].ID != ids[0] || evs[1].ID != ids[1] {
		t.Fatalf("events %s and %s, want the ids given, %v", evs[0].ID, evs[1].ID, ids)
	}
}

// IfVersion holds a command to the version its sender read: checked in the
// same decision as the command, so a stale one writes nothing.
func TestIfVersionRefusesAStaleVersion(t *testing.T) {
	e := bareEngine()
	e.state = replay(t, given(on(personAgg(ann), PersonRegistered{PersonID: ann, Name: "Ann", Email: "a@example.com", Department: "Sales"})))
	name := "Ann B."
	cmd := ChangePersonDetails{PersonID: ann, Name: &name}
	_, evs, _, err := e.prepare(cmd, Meta{Actor: "test"}, execution{ifVersion: &versionCondition{agg: personAgg(ann), version: 2}})
	if ErrorCode(err) != CodeStale || len(evs) != 0 {
		t.Fatalf("a stale version gave %d events and %v, want the code %q", len(evs), err, CodeStale)
	}
	var x execution
	IfVersion(personAgg(ann), 1)(&x)
	if _, evs, _, err = e.prepare(cmd, Meta{Actor: "test"}, x); err != nil || len(evs) != 1 {
		t.Fatalf("the current version gave %d events and %v, want one event", len(evs), err)
	}
}
