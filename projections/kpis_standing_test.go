package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// TestKPIsOnTheFeedbackAreComputedPerWeekAndMonth checks, against numbers
// worked out by hand, a stage's NPS month by month and week by week, the
// program's NPS against the headline, and a touchpoint's effort in one
// segment against targets in both directions.
func TestKPIsOnTheFeedbackAreComputedPerWeekAndMonth(t *testing.T) {
	f := NewFeedback()
	m := NewKPIsOf(f)
	tp := eventtest.New(t, f, m)
	mapFixture(tp)
	n := 200
	log := func(touchpoint, metric string, score int, segment string, at time.Time) {
		n++
		tp.Play(events.Aggregate{Kind: events.KindFeedback, ID: touchpoint}, events.FeedbackLogged{FeedbackID: fixtureID(n),
			TouchpointID: touchpoint, Metric: metric, Score: score, Segment: segment, Source: events.SourceSurvey, OccurredAt: at})
	}
	day := func(month time.Month, d, hour int) time.Time {
		return time.Date(2025, month, d, hour, 0, 0, 0, time.UTC)
	}
	// The stage Acquisition is web and phone; the app is Retention.
	log(fxWeb, events.MetricNPS, 10, "smb", day(time.January, 6, 9)) // Monday
	log(fxPhone, events.MetricNPS, 9, "", day(time.January, 7, 9))
	log(fxWeb, events.MetricNPS, 3, "", day(time.January, 15, 9))
	log(fxApp, events.MetricNPS, 0, "", day(time.January, 20, 9))
	log(fxWeb, events.MetricNPS, 7, "", day(time.February, 1, 9)) // a Saturday: the week of 27 January
	log(fxApp, events.MetricNPS, 10, "", day(time.February, 10, 9))
	log(fxPhone, events.MetricNPS, 5, "", day(time.February, 28, 23))
	log(fxPhone, events.MetricNPS, 10, "", day(time.March, 3, 9))
	// Effort at the web form: smb 2 and 4; others are another segment or touchpoint.
	log(fxWeb, events.MetricCES, 2, "smb", day(time.January, 10, 9))
	log(fxWeb, events.MetricCES, 4, "smb", day(time.January, 20, 9))
	log(fxWeb, events.MetricCES, 6, "enterprise", day(time.January, 21, 9))
	log(fxPhone, events.MetricCES, 1, "smb", day(time.January, 22, 9))

	stageNPS, programNPS, webEffort, webEffortUp, churn := fixtureID(60), fixtureID(61), fixtureID(62), fixtureID(63), fixtureID(64)
	define := func(id, metric string, target float64, direction string, scope events.FeedbackScope) {
		tp.Play(events.Aggregate{Kind: events.KindKPI, ID: id}, events.KPIDefined{KPIID: id, Name: "K", Metric: metric, Unit: "u",
			Target: target, Direction: direction, FeedbackScope: scope})
	}
	define(stageNPS, events.MetricNPS, 20, events.HigherIsBetter, events.FeedbackScope{JourneyID: fxJourney, StageID: fxAcquisition})
	define(programNPS, events.MetricNPS, 15, events.HigherIsBetter, events.FeedbackScope{})
	define(webEffort, events.MetricCES, 2.5, events.LowerIsBetter, events.FeedbackScope{TouchpointID: fxWeb, Segment: "smb"})
	define(webEffortUp, events.MetricCES, 2.5, events.HigherIsBetter, events.FeedbackScope{TouchpointID: fxWeb, Segment: "smb"})
	define(churn, "churn_rate", 5, events.LowerIsBetter, events.FeedbackScope{})
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: churn}, events.MeasurementRecorded{Value: 4.5, MeasuredAt: day(time.March, 1, 0)})

	type period struct {
		name  string
		value float64
		count int
		met   bool
	}
	same := func(what string, got []KPIPeriod, want []period) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
		for i, w := range want {
			g := got[i]
			if g.Period != w.name || g.Count != w.count || g.Met != w.met || g.Value < w.value-1e-9 || g.Value > w.value+1e-9 {
				t.Errorf("%s[%d]: %+v, want %+v", what, i, g, w)
			}
		}
	}

	k, _ := m.Get(stageNPS)
	// January: 10, 9, 3 (2 promoters, 1 detractor of 3); February: 7, 5 (1 detractor of 2); March: 10.
	same("stage months", k.Months, []period{{"2025-01", 100.0 / 3, 3, true}, {"2025-02", -50, 2, false}, {"2025-03", 100, 1, true}})
	same("stage weeks", k.Weeks, []period{
		{"2025-01-06", 100, 2, true}, {"2025-01-13", -100, 1, false}, {"2025-01-27", 0, 1, false},
		{"2025-02-24", -100, 1, false}, {"2025-03-03", 100, 1, true}})
	if k.Source != KPISourceFeedback || k.Current == nil || k.Current.Period != "2025-03" || k.Current.Value != 100 || k.Current.Count != 1 ||
		!k.Current.From.Equal(day(time.March, 1, 0)) || !k.Current.To.Equal(day(time.April, 1, 0)) || k.Met == nil || !*k.Met {
		t.Errorf("the stage's current value is the month so far: %+v met %v", k.Current, k.Met)
	}
	// 4 promoters (10, 9, 10, 10) and 3 detractors (3, 0, 5) of 8: 12.5.
	p, _ := m.Get(programNPS)
	h := f.Headline()
	if p.Overall == nil || h.NPS == nil || p.Overall.Value != *h.NPS || p.Overall.Count != h.NPSCount || p.Overall.Value != 12.5 || p.Overall.Count != 8 {
		t.Errorf("the program's NPS %+v is not the headline %v of %d", p.Overall, h.NPS, h.NPSCount)
	}
	same("program months", p.Months, []period{{"2025-01", 0, 4, false}, {"2025-02", 0, 3, false}, {"2025-03", 100, 1, true}})
	// The web form's smb effort in January: (2 + 4) / 2 = 3, above 2.5.
	e, _ := m.Get(webEffort)
	same("effort months", e.Months, []period{{"2025-01", 3, 2, false}})
	if e.Met == nil || *e.Met {
		t.Errorf("an effort of 3 against 2.5, lower is better, is met: %+v", e.Current)
	}
	if up, _ := m.Get(webEffortUp); up.Met == nil || !*up.Met {
		t.Errorf("3 against 2.5, higher is better, is not met: %+v", up.Current)
	}
	// A response logged after a read counts at the next: March is 10 and 0 now.
	log(fxPhone, events.MetricNPS, 0, "", day(time.March, 4, 9))
	if k, _ := m.Get(stageNPS); k.Current == nil || k.Current.Value != 0 || k.Current.Count != 2 || *k.Met {
		t.Errorf("after a new response, the stage's current value is %+v", k.Current)
	}
	c, _ := m.Get(churn)
	if c.Source != KPISourceHand || c.Current == nil || c.Current.Value != 4.5 || c.Current.Count != 0 || c.Met == nil || !*c.Met || len(c.Months) != 0 {
		t.Errorf("churn, entered by hand: %+v", c)
	}
}
