package projections

import (
	"math"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// near reports whether a figure is within 0.001 of a hand-computed one.
func near(v *float64, want float64) bool { return v != nil && math.Abs(*v-want) < 0.001 }

func TestMarginsOfErrorMatchHandComputation(t *testing.T) {
	var s events.Summary
	// NPS: 100 responses, 50 promoters, 20 detractors, 30 passives.
	for i := range 100 {
		score := 8
		if i < 50 {
			score = 10
		} else if i < 70 {
			score = 3
		}
		_ = s.Add(events.MetricNPS, score)
	}
	// CSAT: 50 responses, 40 of them 4 or 5.
	for i := range 50 {
		_ = s.Add(events.MetricCSAT, map[bool]int{true: 5, false: 2}[i < 40])
	}
	// CES: 1, 2, 3, 4, 5.
	for score := 1; score <= 5; score++ {
		_ = s.Add(events.MetricCES, score)
	}
	f := FiguresOf(s)
	// NPS: p = 0.5, d = 0.2; p + d − (p − d)² = 0.7 − 0.09 = 0.61; 0.61/100 = 0.0061;
	// √0.0061 = 0.0781025; × 1.96 × 100 = 15.308.
	if *f.NPS != 30 || !near(f.Margin.NPS, 15.308) {
		t.Fatalf("NPS %v ± %v, want 30 ± 15.308", *f.NPS, *f.Margin.NPS)
	}
	// CSAT: p = 0.8; p(1 − p) = 0.16; 0.16/50 = 0.0032; √0.0032 = 0.0565685; × 196 = 11.087.
	if *f.CSAT != 80 || !near(f.Margin.CSAT, 11.087) {
		t.Fatalf("CSAT %v ± %v, want 80 ± 11.087", *f.CSAT, *f.Margin.CSAT)
	}
	// CES: Σx = 15, Σx² = 55, n = 5; s² = (55 − 15²/5)/4 = 2.5; √(2.5/5) = 0.7071068; × 1.96 = 1.386.
	if *f.CES != 3 || !near(f.Margin.CES, 1.386) {
		t.Fatalf("CES %v ± %v, want 3 ± 1.386", *f.CES, *f.Margin.CES)
	}
	// One CES response has no variance to speak of: no margin.
	var one events.Summary
	_ = one.Add(events.MetricCES, 4)
	if m := FiguresOf(one).Margin; m.CES != nil || m.NPS != nil || m.CSAT != nil {
		t.Fatalf("margins of one CES response %+v", m)
	}
}

func TestThePreviousPeriodHasTheSameLength(t *testing.T) {
	day := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ from, to, want time.Time }{
		// A quarter (92 days) is compared with the quarter before (91 days): whole months go back by months.
		{day(2026, 7, 1, 0), day(2026, 10, 1, 0), day(2026, 4, 1, 0)},
		{day(2026, 3, 1, 0), day(2026, 4, 1, 0), day(2026, 2, 1, 0)},
		{day(2026, 1, 1, 0), day(2027, 1, 1, 0), day(2025, 1, 1, 0)},
		// Anything else goes back by its duration: 7 days, and 36 hours.
		{day(2026, 1, 10, 12), day(2026, 1, 17, 12), day(2026, 1, 3, 12)},
		{day(2025, 3, 10, 12), day(2025, 3, 12, 0), day(2025, 3, 9, 0)},
		// A month's middle is not a whole month.
		{day(2026, 1, 15, 0), day(2026, 2, 15, 0), day(2025, 12, 15, 0)},
	} {
		if got := PreviousPeriod(c.from, c.to); !got.Equal(c.want) {
			t.Errorf("PreviousPeriod(%s, %s) = %s, want %s", c.from, c.to, got, c.want)
		}
	}
}

// logIn logs one item per score at a touchpoint, that occurred at at, in
// segment, with ids from *next on.
func logIn(tp *eventtest.Tape, next *int, touchpoint, metric, segment string, at time.Time, scores ...int) {
	for _, s := range scores {
		tp.Play(events.Aggregate{Kind: events.KindFeedback, ID: touchpoint},
			events.FeedbackLogged{FeedbackID: fixtureID(*next), TouchpointID: touchpoint, Metric: metric, Score: s, Segment: segment, Source: events.SourceSurvey, OccurredAt: at})
		*next++
	}
}

func TestPeriodFiguresCountOnlyThePeriodsOwnFeedback(t *testing.T) {
	m := NewFeedback()
	// The log stores everything on 14 March from 09:00, a minute apart.
	tp := eventtest.New(t, m).Ticking(time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), time.Minute)
	mapFixture(tp)
	at := func(d, h int) time.Time { return time.Date(2025, 3, d, h, 0, 0, 0, time.UTC) }
	next := 100
	// The period is [10 March 12:00, 12 March 00:00), 36 hours; the one before, [9 March 00:00, 10 March 12:00).
	from, to := at(10, 12), at(12, 0)
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(8, 23), 0)      // before both periods
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(9, 1), 10)      // previous, whole day
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(10, 11), 3)     // previous, part of 10 March
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(10, 13), 10)    // current, part of 10 March
	logIn(tp, &next, fxWeb, events.MetricNPS, "retail", at(11, 5), 9)   // current, whole day
	logIn(tp, &next, fxPhone, events.MetricNPS, "retail", at(11, 6), 2) // current, another touchpoint of the stage
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(12, 0), 0)      // after: to is excluded
	tp.At(time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC))
	logIn(tp, &next, fxWeb, events.MetricNPS, "smb", at(11, 7), 0) // current, recorded at 15:00

	web := FigureScope{TouchpointID: fxWeb}
	f, err := m.Compare(web, from, to, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Current at the web form: 10, 9, 0 → 2 promoters, 1 detractor of 3: NPS 100·(2 − 1)/3 = 33.3.
	// Previous: 10, 3 → 1 promoter, 1 detractor: NPS 0.
	if f.Current.NPSCount != 3 || !near(f.Current.NPS, 33.333) || f.Previous.NPSCount != 2 || *f.Previous.NPS != 0 || !near(f.Change.NPS, 33.333) {
		t.Fatalf("web %+v", f)
	}
	if !f.PreviousFrom.Equal(at(9, 0)) {
		t.Fatalf("previous from %s", f.PreviousFrom)
	}
	// Known at 12:00 on the 14th, before the 15:00 record: 10, 9 → NPS 100.
	if f, err := m.Compare(web, from, to, time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)); err != nil || f.Current.NPSCount != 2 || *f.Current.NPS != 100 || f.Previous.NPSCount != 2 {
		t.Fatalf("known at noon %+v %v", f, err)
	}
	// Known at midnight before: nothing was recorded yet.
	if f, err := m.Figures(web, from, to, time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)); err != nil || f.Count != 0 || f.NPS != nil {
		t.Fatalf("known before the records %+v %v", f, err)
	}
	// The stage Acquisition is web and phone: 10, 9, 0, 2 → 2 promoters, 2 detractors: NPS 0.
	if f, err := m.Figures(FigureScope{StageID: fxAcquisition}, from, to, time.Time{}); err != nil || f.NPSCount != 4 || *f.NPS != 0 {
		t.Fatalf("stage %+v %v", f, err)
	}
	// The retail segment: 9 at the web form and 2 at the phone: NPS 0 of 2; smb: 10, 0 at the web form.
	if f, err := m.Figures(FigureScope{Segment: "retail"}, from, to, time.Time{}); err != nil || f.NPSCount != 2 || *f.NPS != 0 {
		t.Fatalf("retail %+v %v", f, err)
	}
	if f, err := m.Figures(FigureScope{Segment: "smb", JourneyID: fxJourney}, from, to, time.Time{}); err != nil || f.NPSCount != 2 || *f.NPS != 0 {
		t.Fatalf("smb %+v %v", f, err)
	}
	// Within one day: [11 March 06:00, 11 March 08:00) holds the phone's 2 and the web's 0.
	if f, err := m.Figures(FigureScope{}, at(11, 6), at(11, 8), time.Time{}); err != nil || f.NPSCount != 2 || *f.NPS != -100 {
		t.Fatalf("two hours %+v %v", f, err)
	}
}

func TestMoversNeedThirtyResponsesInBothPeriodsAndMarkChangesBeyondTheMargin(t *testing.T) {
	m := NewFeedback()
	tp := eventtest.New(t, m)
	mapFixture(tp)
	prev, cur := time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	next := 1000
	repeat := func(score, n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = score
		}
		return out
	}
	// Web, February: 15 promoters, 15 passives of 30: NPS 50.
	logIn(tp, &next, fxWeb, events.MetricNPS, "", prev, append(repeat(10, 15), repeat(8, 15)...)...)
	// Web, March: 6 promoters, 12 detractors, 12 passives of 30: NPS −20.
	logIn(tp, &next, fxWeb, events.MetricNPS, "", cur, append(append(repeat(10, 6), repeat(3, 12)...), repeat(8, 12)...)...)
	// Phone: 30 in February, 29 in March: too few to be a mover, however it fell (100 → −100).
	logIn(tp, &next, fxPhone, events.MetricNPS, "", prev, repeat(10, 30)...)
	logIn(tp, &next, fxPhone, events.MetricNPS, "", cur, repeat(0, 29)...)
	// App, CSAT: 15 satisfied of 30 in February (50), 18 of 30 in March (60).
	logIn(tp, &next, fxApp, events.MetricCSAT, "", prev, append(repeat(5, 15), repeat(2, 15)...)...)
	logIn(tp, &next, fxApp, events.MetricCSAT, "", cur, append(repeat(4, 18), repeat(1, 12)...)...)

	mv, err := m.Movers(from, to, TrendByTouchpoint, "")
	if err != nil {
		t.Fatal(err)
	}
	if !mv.PreviousFrom.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("previous from %s", mv.PreviousFrom)
	}
	if len(mv.Fallers) != 1 || len(mv.Risers) != 1 {
		t.Fatalf("fallers %+v risers %+v", mv.Fallers, mv.Risers)
	}
	// Web: February's margin 1.96·√((0.5 + 0 − 0.25)/30)·100 = 196·0.0912871 = 17.892;
	// March's 1.96·√((0.2 + 0.4 − 0.04)/30)·100 = 196·0.1366260 = 26.779;
	// the change's √(17.892² + 26.779²) = √(320.13 + 717.11) = 32.206 < |−70|: beyond.
	f := mv.Fallers[0]
	if f.TouchpointID != fxWeb || f.Metric != events.MetricNPS || f.Previous != 50 || f.Current != -20 || f.Change != -70 ||
		math.Abs(f.Margin-32.206) > 0.001 || !f.BeyondMargin || f.CurrentCount != 30 || f.PreviousCount != 30 {
		t.Fatalf("faller %+v", f)
	}
	// App: February's margin 196·√(0.25/30) = 17.892; March's 196·√(0.24/30) = 17.531;
	// the change's √(320.13 + 307.34) = 25.049 > 10: within the margin.
	r := mv.Risers[0]
	if r.TouchpointID != fxApp || r.Metric != events.MetricCSAT || r.Change != 10 || math.Abs(r.Margin-25.049) > 0.001 || r.BeyondMargin {
		t.Fatalf("riser %+v", r)
	}
	// By stage, Acquisition is web and phone together: 60 in February (45 promoters: NPS 75),
	// 59 in March (6 promoters, 41 detractors: NPS 100·(6 − 41)/59 = −59.3).
	st, err := m.Movers(from, to, TrendByStage, "")
	if err != nil || len(st.Fallers) != 1 || st.Fallers[0].StageID != fxAcquisition || st.Fallers[0].TouchpointID != "" ||
		st.Fallers[0].Previous != 75 || math.Abs(st.Fallers[0].Current+59.322) > 0.001 {
		t.Fatalf("by stage %+v %v", st, err)
	}
}
