package projections

import (
	"testing"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

func TestJourneyMapOrdersStagesAndCountsFeedback(t *testing.T) {
	m := NewJourneys()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	// Web: NPS 10, 9, 6 (2 promoters, 1 detractor of 3): +33.3; CSAT 4, 2.
	logScores(tp, 100, fxWeb, events.MetricNPS, 10, 9, 6)
	logScores(tp, 110, fxWeb, events.MetricCSAT, 4, 2)
	// Phone: NPS 0, 8: -50; CES 2, 5.
	logScores(tp, 120, fxPhone, events.MetricNPS, 0, 8)
	logScores(tp, 130, fxPhone, events.MetricCES, 2, 5)
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(120)}, events.FollowUpOpened{FeedbackID: fixtureID(120), TouchpointID: fxPhone})
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(102)}, events.FollowUpOpened{FeedbackID: fixtureID(102), TouchpointID: fxWeb})
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(102)}, events.FollowUpClosed{ActionTaken: "called back"})

	j, ok := m.Get(fxJourney)
	if !ok || len(j.Stages) != 2 || j.Stages[0].ID != fxAcquisition || j.Stages[1].ID != fxRetention || j.Stages[0].Position != 1 {
		t.Fatalf("stages %+v", j.Stages)
	}
	acq := j.Stages[0]
	web, phone := acq.Touchpoints[0], acq.Touchpoints[1]
	if web.Count != 5 || *web.NPS != 100*(2-1)/3.0 || *web.CSAT != 50 || *web.CSATMean != 3 || web.CES != nil || web.OpenFollowUps != 0 {
		t.Fatalf("web %+v", web)
	}
	if phone.Count != 4 || *phone.NPS != -50 || *phone.CES != 3.5 || phone.OpenFollowUps != 1 {
		t.Fatalf("phone %+v", phone)
	}
	// The stage merges its touchpoints: NPS 10, 9, 6, 0, 8 is 2 promoters, 2 detractors of 5.
	if acq.Count != 9 || *acq.NPS != 0 || acq.NPSCount != 5 || *acq.CSAT != 50 || *acq.CES != 3.5 || acq.OpenFollowUps != 1 {
		t.Fatalf("acquisition %+v", acq.JourneyFigures)
	}
	if ret := j.Stages[1]; ret.Count != 0 || ret.NPS != nil || len(ret.Touchpoints) != 1 {
		t.Fatalf("retention %+v", ret)
	}
	if j.Count != 9 || j.OpenFollowUps != 1 {
		t.Fatalf("journey %+v", j.JourneyFigures)
	}
}

func TestJourneyMapFollowsEdits(t *testing.T) {
	m := NewJourneys()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	crew := fixtureID(50)
	tp.Play(events.Aggregate{Kind: events.KindJourney, ID: fxJourney},
		events.StageMoved{StageID: fxRetention, Position: 1},
		events.StageRenamed{StageID: fxAcquisition, Name: "Onboarding"},
		events.TouchpointOwnerChanged{TouchpointID: fxApp, OwnerCrewID: crew},
		events.TouchpointRetired{TouchpointID: fxWeb, Reason: "replaced by chat"},
	)
	j, _ := m.Get(fxJourney)
	if j.Stages[0].ID != fxRetention || j.Stages[1].Name != "Onboarding" || j.Stages[1].Position != 2 {
		t.Fatalf("stages %+v", j.Stages)
	}
	if app, _ := m.Touchpoint(fxApp); app.OwnerCrewID != crew {
		t.Fatalf("app %+v", app)
	}
	if web, _ := m.Touchpoint(fxWeb); !web.Retired || web.RetiredReason != "replaced by chat" {
		t.Fatalf("web %+v", web)
	}
	if st, ok := m.Stage(fxJourney, fxAcquisition); !ok || st.Position != 2 || len(st.Touchpoints) != 2 {
		t.Fatalf("stage %+v", st)
	}
	// What a reader holds is its own copy.
	j.Stages[0].Touchpoints[0].Name = "changed"
	if again, _ := m.Get(fxJourney); again.Stages[0].Touchpoints[0].Name != "App" {
		t.Fatal("a reader changed the model")
	}
	if l := m.List(); len(l) != 1 || l[0].ID != fxJourney {
		t.Fatalf("list %+v", l)
	}
}

// BenchmarkJourneyMapRead reads a map whose touchpoints hold 60,000 items:
// the cost is the map's size, not the feedback's.
func BenchmarkJourneyMapRead(b *testing.B) {
	m := NewJourneys()
	tp := eventtest.New(b, m)
	mapFixture(tp)
	for i, touchpoint := range []string{fxWeb, fxPhone, fxApp} {
		scores := make([]int, 20000)
		for n := range scores {
			scores[n] = n % 11
		}
		logScores(tp, 100000*(i+1), touchpoint, events.MetricNPS, scores...)
	}
	b.ResetTimer()
	for b.Loop() {
		if j, _ := m.Get(fxJourney); j.Count != 60000 {
			b.Fatalf("count %d", j.Count)
		}
	}
}
