package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// Fixture ids of the decision outcomes' history.
var (
	oxWait, oxDone, oxGoing = fixtureID(20), fixtureID(21), fixtureID(22)
	oxNPS, oxSmallFirms     = fixtureID(23), fixtureID(24)
)

// outcomeHistory scripts most of 2025: NPS at the web form and the phone
// (the stage Acquisition), a KPI measured by hand, "Wait", and two
// computed from the feedback: the NPS of Acquisition, and the NPS of the
// segment "smb" (three answers at the app in February); an initiative on
// them decided on 1 April at 10:00, started on 1 May and
// completed on 1 July; another, on the app, decided on 1 June and started
// on 1 August, still in progress. Each event is stored when the tape's
// clock says; feedback occurred when its item says. The extra models are
// fed too. It answers the views and "now", 1 December.
func outcomeHistory(t *testing.T, extra ...eventtest.Model) (*Views, time.Time) {
	v, _, now := outcomeTape(t, extra...)
	return v, now
}

// outcomeTape is outcomeHistory with its tape, to play on.
func outcomeTape(t *testing.T, extra ...eventtest.Model) (*Views, *eventtest.Tape, time.Time) {
	v := NewViews()
	models := []eventtest.Model{}
	for _, m := range v.Models() {
		models = append(models, m)
	}
	models = append(models, extra...)
	tp := eventtest.New(t, models...)
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	tp.At(day(1, 2))
	mapFixture(tp)
	kpi := events.Aggregate{Kind: events.KindKPI, ID: oxWait}
	tp.Play(kpi, events.KPIDefined{KPIID: oxWait, Name: "Wait", Metric: "wait", Unit: "minutes", Target: 5, Direction: events.LowerIsBetter})
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: oxNPS}, events.KPIDefined{KPIID: oxNPS, Name: "Acquisition NPS", Metric: events.MetricNPS,
		Unit: "points", Target: 30, Direction: events.HigherIsBetter, FeedbackScope: events.FeedbackScope{StageID: fxAcquisition}})
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: oxSmallFirms}, events.KPIDefined{KPIID: oxSmallFirms, Name: "Small firms' NPS",
		Metric: events.MetricNPS, Unit: "points", Target: 30, Direction: events.HigherIsBetter, FeedbackScope: events.FeedbackScope{Segment: "smb"}})
	next := 100
	// stored sets the clock: what follows is stored at 09:00 that day.
	stored := func(m time.Month, d int) { tp.At(day(m, d).Add(9 * time.Hour)) }
	measure := func(value float64, measured time.Time) {
		tp.Play(kpi, events.MeasurementRecorded{Value: value, MeasuredAt: measured})
	}
	nps := func(touchpoint string, occurred time.Time, scores ...int) {
		logIn(tp, &next, touchpoint, events.MetricNPS, "", occurred, scores...)
	}
	decide := func(id string, title string, stages, touchpoints, kpis []string) {
		tp.Play(events.Aggregate{Kind: events.KindInitiative, ID: id},
			events.InitiativeProposed{InitiativeID: id, Title: title, Problem: "p", ProposedBy: "a", StageIDs: stages, TouchpointIDs: touchpoints, KPIIDs: kpis},
			events.InitiativeDecided{Outcome: events.OutcomeApproved, DecidedBy: "a", Quorum: true, Tally: events.Tally{Approve: 2, Voted: 2, Seats: 3}})
	}
	work := func(id string, p events.Payload) { tp.Play(events.Aggregate{Kind: events.KindInitiative, ID: id}, p) }

	stored(2, 2)
	measure(12, day(2, 1))
	stored(3, 2)
	nps(fxWeb, day(3, 1), 0, 0, 0, 10)
	nps(fxWeb, time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), 10) // before the 90 days
	nps(fxApp, day(3, 1), 10)                                    // not a target of the first initiative
	logIn(tp, &next, fxApp, events.MetricNPS, "smb", day(2, 1), 10, 10, 0)
	stored(3, 6)
	nps(fxPhone, day(3, 5), 10)
	tp.At(day(4, 1).Add(10 * time.Hour))
	decide(oxDone, "Call back", []string{fxAcquisition}, []string{fxWeb}, []string{oxWait, oxNPS, oxSmallFirms})
	stored(4, 10)
	nps(fxWeb, day(3, 15), 10, 10) // occurred before the decision, recorded after it
	stored(4, 20)
	measure(11, day(3, 31)) // measured before the decision, recorded after it
	stored(5, 1)
	work(oxDone, events.InitiativeStarted{})
	stored(5, 13)
	nps(fxWeb, day(5, 10), 10, 10, 10, 9)
	nps(fxPhone, day(5, 12), 0)
	stored(6, 1)
	decide(oxGoing, "App", nil, []string{fxApp}, nil)
	stored(6, 2)
	measure(8, day(6, 1))
	stored(7, 1)
	work(oxDone, events.InitiativeCompleted{Outcome: "call backs in a day"})
	stored(7, 16)
	nps(fxWeb, day(7, 15), 10, 0)
	stored(8, 1)
	work(oxGoing, events.InitiativeStarted{})
	stored(8, 2)
	measure(6, day(8, 1))
	stored(10, 16)
	nps(fxWeb, day(10, 15), 0) // after the 90 days after completion
	nps(fxApp, day(10, 15), 10, 10)
	stored(11, 2)
	measure(5, day(11, 1))
	return v, tp, day(12, 1)
}

func TestADecisionShowsWhatTheCouncilKnewAndWhatCameOfIt(t *testing.T) {
	v, now := outcomeHistory(t)
	ds := v.Initiatives.Decisions(DecisionFilter{})
	if err := v.Outcomes(ds, now); err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].InitiativeID != oxDone || ds[1].InitiativeID != oxGoing {
		t.Fatalf("decisions %+v", ds)
	}
	o := ds[0].Outcome
	utc := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }
	// Known at the decision: the 90 days before 1 April 10:00, recorded by then.
	decided := utc(4, 1, 10)
	if b := o.Before; !b.From.Equal(decided.Add(-90*24*time.Hour)) || !b.To.Equal(decided) || b.KnownAt == nil || !b.KnownAt.Equal(decided) || b.Ongoing {
		t.Fatalf("before %+v", b)
	}
	if a := o.AfterStart; a == nil || !a.From.Equal(utc(5, 1, 9)) || !a.To.Equal(utc(7, 1, 9)) || a.Ongoing {
		t.Fatalf("after start %+v", a)
	}
	// After completion: as long as the window before, 90 days from 1 July 09:00.
	if a := o.AfterCompletion; a == nil || !a.From.Equal(utc(7, 1, 9)) || !a.To.Equal(utc(9, 29, 9)) || a.Ongoing {
		t.Fatalf("after completion %+v", a)
	}
	if len(o.Touchpoints) != 1 || len(o.Stages) != 1 || len(o.KPIs) != 3 {
		t.Fatalf("targets %+v", o)
	}
	web := o.Touchpoints[0]
	// Before: 0, 0, 0, 10 (the 10 of December is older than 90 days, the two 10s of
	// 15 March were recorded after the decision): p = 0.25, d = 0.75, NPS −50;
	// margin 196·√((0.25 + 0.75 − 0.25)/4) = 196·0.4330127 = 84.870.
	if web.ID != fxWeb || web.Name != "Web form" || web.Before.NPSCount != 4 || *web.Before.NPS != -50 || !near(web.Before.Margin.NPS, 84.870) {
		t.Fatalf("web before %+v", web.Before)
	}
	// After start: 10, 10, 10, 9: NPS 100, margin 0; the change +150 is beyond √(84.870² + 0²).
	if a, c := web.AfterStart, web.ChangeAfterStart; a == nil || a.NPSCount != 4 || *a.NPS != 100 || *a.Margin.NPS != 0 ||
		*c.NPS != 150 || !near(c.Margin.NPS, 84.870) || !c.NPSBeyondMargin {
		t.Fatalf("web after start %+v %+v", a, c)
	}
	// After completion: 10, 0 (the 0 of 15 October is past the window): NPS 0,
	// margin 196·√(1/2) = 138.593; the change +50 is within √(84.870² + 138.593²) = 162.514.
	if a, c := web.AfterCompletion, web.ChangeAfterCompletion; a == nil || a.NPSCount != 2 || *a.NPS != 0 || !near(a.Margin.NPS, 138.593) ||
		*c.NPS != 50 || !near(c.Margin.NPS, 162.514) || c.NPSBeyondMargin {
		t.Fatalf("web after completion %+v %+v", a, c)
	}
	if got := Verdict(web.ChangeAfterStart.NPS, web.ChangeAfterStart.Margin.NPS, false); got != "better" {
		t.Fatalf("verdict after start %q", got)
	}
	if got := Verdict(web.ChangeAfterCompletion.NPS, web.ChangeAfterCompletion.Margin.NPS, false); got != "within the noise" {
		t.Fatalf("verdict after completion %q", got)
	}
	// The stage Acquisition, web and phone. Before: 0, 0, 0, 10, 10: NPS −20,
	// margin 196·√((0.4 + 0.6 − 0.04)/5) = 85.883. After start: 10, 10, 10, 9, 0: NPS 60,
	// margin 196·√((0.8 + 0.2 − 0.36)/5) = 70.123; the change +80 is within √(85.883² + 70.123²) = 110.874.
	st := o.Stages[0]
	if st.ID != fxAcquisition || st.Name != "Acquisition" || st.Before.NPSCount != 5 || *st.Before.NPS != -20 || !near(st.Before.Margin.NPS, 85.883) ||
		st.AfterStart.NPSCount != 5 || *st.AfterStart.NPS != 60 || !near(st.AfterStart.Margin.NPS, 70.123) ||
		*st.ChangeAfterStart.NPS != 80 || !near(st.ChangeAfterStart.Margin.NPS, 110.874) || st.ChangeAfterStart.NPSBeyondMargin {
		t.Fatalf("stage %+v", st)
	}
	// The KPI, by hand: known at the decision, 12 (measured 1 February; the 11 of
	// 31 March was recorded on 20 April). After start, the 8 of 1 June; after
	// completion, the 6 of 1 August (the 5 of 1 November is past the window).
	k := o.KPIs[0]
	if k.ID != oxWait || k.Source != KPISourceHand || *k.Before.Value != 12 || !k.Before.MeasuredAt.Equal(utc(2, 1, 0)) || k.Before.Margin != nil ||
		*k.AfterStart.Value != 8 || *k.ChangeAfterStart.Change != -4 || k.ChangeAfterStart.Margin != nil || k.ChangeAfterStart.BeyondMargin ||
		*k.AfterCompletion.Value != 6 || *k.ChangeAfterCompletion.Change != -6 {
		t.Fatalf("kpi %+v", k)
	}
	if got := Verdict(k.ChangeAfterStart.Change, k.ChangeAfterStart.Margin, k.Direction == events.LowerIsBetter); got != "better" {
		t.Fatalf("kpi verdict %q", got)
	}
	// The NPS of Acquisition, computed: the stage's figures above. Known at the
	// decision −20 of 5 (± 85.883); after start 60 of 5 (± 70.123), +80 within
	// 110.874; after completion the web's 10 and 0, 0 of 2 (± 138.593), +20
	// within √(85.883² + 138.593²) = 163.045.
	k = o.KPIs[1]
	if k.ID != oxNPS || k.Source != KPISourceFeedback || *k.Before.Value != -20 || k.Before.Count != 5 || !near(k.Before.Margin, 85.883) ||
		k.Before.MeasuredAt != nil || *k.AfterStart.Value != 60 || k.AfterStart.Count != 5 || !near(k.AfterStart.Margin, 70.123) ||
		*k.ChangeAfterStart.Change != 80 || !near(k.ChangeAfterStart.Margin, 110.874) || k.ChangeAfterStart.BeyondMargin ||
		*k.AfterCompletion.Value != 0 || k.AfterCompletion.Count != 2 || !near(k.AfterCompletion.Margin, 138.593) ||
		*k.ChangeAfterCompletion.Change != 20 || !near(k.ChangeAfterCompletion.Margin, 163.045) {
		t.Fatalf("computed kpi %+v", k)
	}
	// The segment smb: 10, 10, 0 at the app on 1 February, known at the
	// decision: p = 2/3, d = 1/3, NPS 33.3, margin 196·√((1 − 1/9)/3) = 106.689;
	// none since, so no value and no change.
	k = o.KPIs[2]
	if k.ID != oxSmallFirms || k.Source != KPISourceFeedback || !near(k.Before.Value, 100.0/3) || k.Before.Count != 3 || !near(k.Before.Margin, 106.689) ||
		k.AfterStart.Value != nil || k.AfterStart.Count != 0 || k.AfterStart.Margin != nil || k.ChangeAfterStart.Change != nil || k.ChangeAfterStart.BeyondMargin {
		t.Fatalf("segment kpi %+v", k)
	}

	// The work still going: after start runs to now; nothing after completion.
	g := ds[1].Outcome
	if a := g.AfterStart; a == nil || !a.From.Equal(utc(8, 1, 9)) || !a.To.Equal(now) || !a.Ongoing || g.AfterCompletion != nil {
		t.Fatalf("in progress %+v", g)
	}
	// The app: its 10 of 1 March is older than the 90 days before 1 June 09:00
	// (from 3 March 09:00), so nothing before and no change to tell; since 1 August, 10 and 10.
	if app := g.Touchpoints[0]; app.Before.NPSCount != 0 || app.AfterStart.NPSCount != 2 || *app.AfterStart.NPS != 100 ||
		app.ChangeAfterStart.NPS != nil || app.AfterCompletion != nil {
		t.Fatalf("app %+v", app)
	}
}

func TestVerdictsSayBetterWorseOrWithinTheNoise(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		change, margin *float64
		lower          bool
		want           string
	}{
		{nil, f(1), false, ""},
		{f(5), f(5), false, "within the noise"},
		{f(5.1), f(5), false, "better"},
		{f(-5.1), f(5), false, "worse"},
		{f(-0.5), f(0.2), true, "better"},
		{f(2), nil, true, "worse"},
		{f(0), nil, false, "unchanged"},
	} {
		if got := Verdict(c.change, c.margin, c.lower); got != c.want {
			t.Errorf("Verdict(%v, %v, %v) = %q, want %q", c.change, c.margin, c.lower, got, c.want)
		}
	}
}
