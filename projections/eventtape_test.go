package projections

import (
	"fmt"
	"testing"
	"time"

	"cxtracker/events"
)

// eventTape records events as the log would (envelopes, sequences,
// versions, decoded payloads) and plays them into models, at a clock the
// test sets.
type eventTape struct {
	tb     testing.TB
	state  *events.State
	models []Model
	at     time.Time
}

func newEventTape(tb testing.TB, models ...Model) *eventTape {
	tb.Helper()
	return &eventTape{tb: tb, state: events.NewState(), models: models, at: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
}

// play records ps on agg and applies each to every model.
func (tp *eventTape) play(agg events.Aggregate, ps ...events.Payload) {
	tp.tb.Helper()
	evs, _, err := tp.state.Events(events.Decision{Aggregate: agg, Events: ps}, events.Meta{Actor: "tester", Time: tp.at})
	if err != nil {
		tp.tb.Fatal(err)
	}
	for _, ev := range evs {
		rec := events.Record{Seq: tp.state.LastSeq() + 1, Subject: agg.Subject(ev.Name()), Event: ev}
		if err := tp.state.Apply(rec); err != nil {
			tp.tb.Fatal(err)
		}
		p, err := events.DecodePayload(ev)
		if err != nil {
			tp.tb.Fatal(err)
		}
		for _, m := range tp.models {
			if err := m.Apply(rec, p); err != nil {
				tp.tb.Fatalf("%s failed on %s: %v", m.Name(), ev.Type, err)
			}
		}
	}
}

// fixtureID is the n-th fixture id, a valid ULID.
func fixtureID(n int) string { return fmt.Sprintf("01J00000000000000000%06d", n) }

// Fixture ids of the journey the model tests share.
var (
	fxJourney                  = fixtureID(1)
	fxAcquisition, fxRetention = fixtureID(2), fixtureID(3)
	fxWeb, fxPhone, fxApp      = fixtureID(4), fixtureID(5), fixtureID(6)
)

// mapFixture maps a journey with Acquisition (web, phone) and Retention
// (app) on the tape.
func mapFixture(tp *eventTape) {
	tp.play(events.Aggregate{Kind: events.KindJourney, ID: fxJourney},
		events.JourneyMapped{JourneyID: fxJourney, Name: "Retail", Segment: "families"},
		events.StageAdded{StageID: fxRetention, Name: "Retention", Position: 1},
		events.StageAdded{StageID: fxAcquisition, Name: "Acquisition", Position: 1},
		events.TouchpointAdded{TouchpointID: fxWeb, StageID: fxAcquisition, Name: "Web form", Channel: "web"},
		events.TouchpointAdded{TouchpointID: fxPhone, StageID: fxAcquisition, Name: "Call centre", Channel: "phone"},
		events.TouchpointAdded{TouchpointID: fxApp, StageID: fxRetention, Name: "App", Channel: "app"},
	)
}

// logScores logs one item per score at a touchpoint, ids from first on.
func logScores(tp *eventTape, first int, touchpoint, metric string, scores ...int) {
	for i, s := range scores {
		tp.play(events.Aggregate{Kind: events.KindFeedback, ID: touchpoint},
			events.FeedbackLogged{FeedbackID: fixtureID(first + i), TouchpointID: touchpoint, Metric: metric, Score: s, Source: events.SourceSurvey})
	}
}
