package projections

import (
	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// fixtureID is the n-th fixture id of the test tape.
var fixtureID = eventtest.ID

// Fixture ids of the journey the model tests share.
var (
	fxJourney                  = fixtureID(1)
	fxAcquisition, fxRetention = fixtureID(2), fixtureID(3)
	fxWeb, fxPhone, fxApp      = fixtureID(4), fixtureID(5), fixtureID(6)
)

// mapFixture maps a journey with Acquisition (web, phone) and Retention
// (app) on the tape.
func mapFixture(tp *eventtest.Tape) {
	tp.Play(events.Aggregate{Kind: events.KindJourney, ID: fxJourney},
		events.JourneyMapped{JourneyID: fxJourney, Name: "Retail", Segment: "families"},
		events.StageAdded{StageID: fxRetention, Name: "Retention", Position: 1},
		events.StageAdded{StageID: fxAcquisition, Name: "Acquisition", Position: 1},
		events.TouchpointAdded{TouchpointID: fxWeb, StageID: fxAcquisition, Name: "Web form", Channel: "web"},
		events.TouchpointAdded{TouchpointID: fxPhone, StageID: fxAcquisition, Name: "Call centre", Channel: "phone"},
		events.TouchpointAdded{TouchpointID: fxApp, StageID: fxRetention, Name: "App", Channel: "app"},
	)
}

// logScores logs one item per score at a touchpoint, ids from first on.
func logScores(tp *eventtest.Tape, first int, touchpoint, metric string, scores ...int) {
	for i, s := range scores {
		tp.Play(events.Aggregate{Kind: events.KindFeedback, ID: touchpoint},
			events.FeedbackLogged{FeedbackID: fixtureID(first + i), TouchpointID: touchpoint, Metric: metric, Score: s, Source: events.SourceSurvey})
	}
}
