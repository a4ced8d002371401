// Package eventtest is the test tape: the one way tests of every package
// come by records. A Tape records payloads as the log would (the envelope,
// the bytes the store writes, decoded back by events.ReadRecord as a reader
// does, with the next stream sequences, aggregate versions and stored times
// from a pinned clock) and plays each record into the models it feeds. It
// imports no NATS, so the domain's tests build without a server; tests that
// need a real log use events/jetstream/jstest.
package eventtest

import (
	"fmt"
	"testing"
	"time"

	"cxtracker/events"
)

// Epoch is where a tape's clock starts unless told otherwise: a fixed time,
// so that tests pass on any date and in any time zone.
var Epoch = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// Actor is who records the events played without an actor of their own.
const Actor = "tester"

// Model is what a tape feeds: a read model of package projections, or
// anything else that folds records with their decoded payloads.
type Model interface {
	Name() string
	Apply(rec events.Record, p events.Payload) error
}

// Tape records events and feeds them to its models, failing the test on any
// error. It is not safe for concurrent use.
type Tape struct {
	tb      testing.TB
	state   *events.State
	models  []Model
	now     time.Time
	step    time.Duration
	records []events.Record
}

// New is a tape at Epoch, feeding models, whose clock stands still.
func New(tb testing.TB, models ...Model) *Tape {
	return &Tape{tb: tb, state: events.NewState(), models: models, now: Epoch}
}

// Ticking sets the clock to start and moves it on by step before each event
// is recorded, so that every event has a time of its own.
func (t *Tape) Ticking(start time.Time, step time.Duration) *Tape {
	t.now, t.step = start, step
	return t
}

// At sets the clock: the time of the events recorded next.
func (t *Tape) At(now time.Time) { t.now = now }

// Now is the clock: the time of the last event recorded, or of the next one
// when the clock stands still.
func (t *Tape) Now() time.Time { return t.now }

// Play records ps on agg by Actor and feeds them to the models.
func (t *Tape) Play(agg events.Aggregate, ps ...events.Payload) []events.Record {
	t.tb.Helper()
	return t.PlayBy(agg, Actor, ps...)
}

// PlayBy records ps on agg by actor, one after the other, and feeds each
// to the models. It answers the records.
func (t *Tape) PlayBy(agg events.Aggregate, actor string, ps ...events.Payload) []events.Record {
	t.tb.Helper()
	var out []events.Record
	for _, p := range ps {
		rec, err := t.record(agg, actor, p)
		if err != nil {
			t.tb.Fatalf("record %T on %s: %v", p, agg, err)
		}
		decoded, err := events.DecodePayload(rec.Event)
		if err != nil {
			t.tb.Fatalf("decode %s: %v", rec.Event.Type, err)
		}
		for _, m := range t.models {
			if err := m.Apply(rec, decoded); err != nil {
				t.tb.Fatalf("%s failed on %s: %v", m.Name(), rec.Event.Type, err)
			}
		}
		out = append(out, rec)
	}
	return out
}

// record makes p the next record of the log: built as the Engine builds it,
// encoded as the store writes it and read back as a reader does.
func (t *Tape) record(agg events.Aggregate, actor string, p events.Payload) (events.Record, error) {
	t.now = t.now.Add(t.step)
	recs, err := t.state.Commit(events.Decision{Aggregate: agg, Events: []events.Payload{p}}, events.Meta{Actor: actor, Time: t.now}, t.now)
	if err != nil {
		return events.Record{}, err
	}
	rec := recs[0]
	t.records = append(t.records, rec)
	return rec, nil
}

// Records is every record played, oldest first.
func (t *Tape) Records() []events.Record { return t.records }

// State is the write side's state after the records played.
func (t *Tape) State() *events.State { return t.state }

// ID is the n-th fixture id, a valid ULID that sorts by n.
func ID(n int) string { return fmt.Sprintf("01J00000000000000000%06d", n) }
