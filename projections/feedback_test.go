package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// logAt logs one item that occurred at a time.
func logFeedbackAt(tp *eventtest.Tape, id, touchpoint, metric string, score int, at time.Time) {
	tp.Play(events.Aggregate{Kind: events.KindFeedback, ID: touchpoint},
		events.FeedbackLogged{FeedbackID: id, TouchpointID: touchpoint, Metric: metric, Score: score, Source: events.SourceSurvey, OccurredAt: at})
}

func feedbackIDsOf(items []FeedbackItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestFeedbackListIsInIdOrderAndFiltered(t *testing.T) {
	m := NewFeedback()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	// Ids come out of order, as from writers with skewed clocks.
	logFeedbackAt(tp, fixtureID(103), fxWeb, events.MetricNPS, 3, day)
	logFeedbackAt(tp, fixtureID(101), fxPhone, events.MetricCSAT, 5, day.Add(24*time.Hour))
	logFeedbackAt(tp, fixtureID(104), fxApp, events.MetricNPS, 10, day.Add(48*time.Hour))
	logFeedbackAt(tp, fixtureID(102), fxWeb, events.MetricCES, 2, day.Add(72*time.Hour))
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(103)}, events.FollowUpOpened{FeedbackID: fixtureID(103), TouchpointID: fxWeb, Note: "call"})
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(104)}, events.FollowUpOpened{FeedbackID: fixtureID(104), TouchpointID: fxApp})
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(104)}, events.FollowUpClosed{ActionTaken: "thanked", CustomerInformed: true})

	page, more := m.List(FeedbackFilter{}, "", 3)
	if got := feedbackIDsOf(page); !more || len(got) != 3 || got[0] != fixtureID(101) || got[2] != fixtureID(103) {
		t.Fatalf("first page %v more %v", got, more)
	}
	if page, more = m.List(FeedbackFilter{}, fixtureID(103), 3); len(page) != 1 || page[0].ID != fixtureID(104) || more {
		t.Fatalf("second page %v more %v", feedbackIDsOf(page), more)
	}
	for name, tc := range map[string]struct {
		f    FeedbackFilter
		want []string
	}{
		"journey":    {FeedbackFilter{JourneyID: fxJourney}, []string{fixtureID(101), fixtureID(102), fixtureID(103), fixtureID(104)}},
		"other":      {FeedbackFilter{JourneyID: fixtureID(9)}, []string{}},
		"touchpoint": {FeedbackFilter{TouchpointID: fxWeb}, []string{fixtureID(102), fixtureID(103)}},
		"metric":     {FeedbackFilter{Metric: events.MetricNPS}, []string{fixtureID(103), fixtureID(104)}},
		"from-to":    {FeedbackFilter{From: day.Add(24 * time.Hour), To: day.Add(72 * time.Hour)}, []string{fixtureID(101), fixtureID(104)}},
		"none":       {FeedbackFilter{FollowUp: FollowUpNone}, []string{fixtureID(101), fixtureID(102)}},
		"open":       {FeedbackFilter{FollowUp: FollowUpOpen}, []string{fixtureID(103)}},
		"closed":     {FeedbackFilter{FollowUp: FollowUpClosed}, []string{fixtureID(104)}},
	} {
		got, _ := m.List(tc.f, "", 50)
		if g := feedbackIDsOf(got); len(g) != len(tc.want) || (len(g) > 0 && (g[0] != tc.want[0] || g[len(g)-1] != tc.want[len(tc.want)-1])) {
			t.Errorf("%s: %v, want %v", name, g, tc.want)
		}
	}
	it, _ := m.Item(fixtureID(104))
	if it.StageID != fxRetention || it.JourneyID != fxJourney || it.FollowUp.Status != FollowUpClosed || !it.FollowUp.CustomerInformed || it.FollowUp.ClosedAt == nil {
		t.Fatalf("item %+v follow-up %+v", it, it.FollowUp)
	}
	it.FollowUp.Status = "changed"
	if again, _ := m.Item(fixtureID(104)); again.FollowUp.Status != FollowUpClosed {
		t.Fatal("a reader changed the model")
	}
	if m.OpenFollowUps() != 1 {
		t.Fatalf("open follow-ups %d", m.OpenFollowUps())
	}
	if h := m.Headline(); h.NPSCount != 2 || *h.NPS != 0 || *h.CSAT != 100 || *h.CES != 2 {
		t.Fatalf("headline %+v", h)
	}
}

func TestFeedbackListOfOneTouchpointPagesInIdOrder(t *testing.T) {
	m := NewFeedback()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	// The web touchpoint's ids come out of order, between other
	// touchpoints' items.
	for _, n := range []int{205, 201, 210, 203, 202, 208} {
		logFeedbackAt(tp, fixtureID(n), fxWeb, events.MetricNPS, 9, day)
		logFeedbackAt(tp, fixtureID(n+100), fxPhone, events.MetricNPS, 2, day)
	}
	want := []string{fixtureID(201), fixtureID(202), fixtureID(203), fixtureID(205), fixtureID(208), fixtureID(210)}
	var got []string
	after := ""
	for {
		page, more := m.List(FeedbackFilter{TouchpointID: fxWeb}, after, 4)
		got = append(got, feedbackIDsOf(page)...)
		if !more {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(got) != len(want) {
		t.Fatalf("pages %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pages %v, want %v", got, want)
		}
	}
	if page, more := m.List(FeedbackFilter{TouchpointID: fixtureID(999)}, "", 4); len(page) != 0 || more {
		t.Fatalf("a touchpoint without feedback lists %v", feedbackIDsOf(page))
	}
}

func TestFeedbackTrendsByWeekAndMonth(t *testing.T) {
	m := NewFeedback()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	// Sunday 2 March is in the ISO week of Monday 24 February; Monday 3 March starts the next.
	sun, mon := time.Date(2025, 3, 2, 23, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)
	feb := time.Date(2025, 2, 25, 8, 0, 0, 0, time.UTC)
	logFeedbackAt(tp, fixtureID(100), fxWeb, events.MetricNPS, 10, feb)
	logFeedbackAt(tp, fixtureID(101), fxWeb, events.MetricNPS, 2, sun)
	logFeedbackAt(tp, fixtureID(102), fxPhone, events.MetricNPS, 9, mon)
	logFeedbackAt(tp, fixtureID(103), fxApp, events.MetricCSAT, 5, mon)
	logFeedbackAt(tp, fixtureID(104), fxPhone, events.MetricCES, 6, mon)

	weeks := m.Trends(TrendQuery{Period: PeriodWeek, By: TrendByStage})
	if len(weeks) != 2 || weeks[0].Period != "2025-02-24" || weeks[1].Period != "2025-03-03" || !weeks[1].To.Equal(time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("weeks %+v", weeks)
	}
	if g := weeks[0].Groups; len(g) != 1 || g[0].StageID != fxAcquisition || g[0].Count != 2 || *g[0].NPS != 0 {
		t.Fatalf("first week %+v", g)
	}
	if g := weeks[1].Groups; len(g) != 2 || g[0].Count != 2 || *g[0].NPS != 100 || *g[0].CES != 6 || g[1].StageID != fxRetention || *g[1].CSAT != 100 {
		t.Fatalf("second week %+v", g)
	}
	months := m.Trends(TrendQuery{Period: PeriodMonth, By: TrendByTouchpoint, Metric: events.MetricNPS})
	if len(months) != 2 || months[0].Period != "2025-02" || months[1].Period != "2025-03" {
		t.Fatalf("months %+v", months)
	}
	// March by touchpoint, NPS only: web 2 (-100), phone 9 (+100); the app's CSAT and the phone's CES are left out.
	if g := months[1].Groups; len(g) != 2 || g[0].TouchpointID != fxWeb || *g[0].NPS != -100 || g[1].TouchpointID != fxPhone || g[1].Count != 1 || g[1].CES != nil {
		t.Fatalf("march %+v", g)
	}
	if only := m.Trends(TrendQuery{Period: PeriodMonth, From: time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)}); len(only) != 1 || only[0].Period != "2025-03" {
		t.Fatalf("from mid-March %+v", only)
	}
	if none := m.Trends(TrendQuery{Period: PeriodMonth, JourneyID: fixtureID(9)}); len(none) != 0 {
		t.Fatalf("another journey %+v", none)
	}
}
