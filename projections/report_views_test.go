package projections_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// nextDay waits into the next (second-long, see ShortDays) day, past its
// start, and answers a time in it between two records.
func nextDay() time.Time {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 150*time.Millisecond).Sub(now))
	return mark()
}

// The council report built from the read models is byte for byte the one a
// replay of the log builds, for periods that end mid-day, at a day's start,
// in the future and before any feedback; on a history over several days
// whose items occurred days before the log stored them (inside a period
// already over), with follow-ups opened and closed across periods, decisions
// with their impact on the stages, touchpoints and KPIs they targeted,
// crews and initiatives in and out of each, some back-dated (happened in an
// early period, recorded days later); for each period as the log knew it at
// several recorded times (mid-day, a day's start, before the back-dated
// records, after all); from a projector that replayed the whole log and
// from one restored from a checkpoint and its tail.
func TestCouncilReportOfTheViewsIsTheReplays(t *testing.T) {
	defer projections.ShortDays()()
	s := newScript(t)
	t0 := mark()
	journey := program(s)
	// live are the touchpoints not retired, stage by stage: moreProgram
	// retires one.
	live := func() []string {
		var tps []string
		s.engine.View(func(state *events.State) {
			j, _ := state.Journey(journey)
			for _, st := range j.Stages {
				for id, tp := range j.Touchpoints {
					if tp.StageID == st.ID && !tp.Retired {
						tps = append(tps, id)
					}
				}
			}
		})
		return tps
	}
	tps := live()
	logged := func(tp, metric string, score int, occurred time.Time) string {
		id := events.NewID()
		s.do(events.LogFeedback{FeedbackID: id, TouchpointID: tp, Metric: metric, Score: score, Source: events.SourceSurvey, Segment: "smb", OccurredAt: occurred})
		return id
	}
	first := logged(tps[0], events.MetricNPS, 3, time.Time{})
	s.do(events.OpenFollowUp{FeedbackID: first, Note: "call"})

	p1 := nextDay()
	late := logged(tps[1], events.MetricNPS, 10, t0.Add(10*time.Millisecond)) // occurred in the first period
	logged(tps[2], events.MetricCSAT, 2, p1.Add(-time.Second))
	s.do(events.CloseFollowUp{FeedbackID: first, ActionTaken: "called", CustomerInformed: true},
		events.OpenFollowUp{FeedbackID: late, Note: "thank"})
	moreProgram(s, journey)
	tps = live()
	dayStart := nextDay().Truncate(time.Second)
	p2 := mark()
	logged(tps[0], events.MetricCES, 5, p1.Add(5*time.Millisecond))
	logged(tps[1], events.MetricNPS, 0, dayStart.Add(-3*time.Second))
	crew := events.NewID()
	s.do(events.FormCrew{CrewID: crew, Name: "Late", Type: events.CrewPlatform, Purpose: "p"},
		events.CloseFollowUp{FeedbackID: late, ActionTaken: "thanked"})

	p3 := nextDay()
	logged(tps[2], events.MetricNPS, 9, p2)
	s.do(events.DisbandCrew{CrewID: crew, Reason: "done"})
	// Back-dated: happened in the first periods, recorded now.
	early := events.NewID()
	s.doAt(p1.Add(-20*time.Millisecond), events.FormCrew{CrewID: early, Name: "Early", Type: events.CrewExperience, Purpose: "p"})
	s.doAt(p2.Add(-20*time.Millisecond), events.DisbandCrew{CrewID: early, Reason: "recorded late"})
	third := logged(tps[0], events.MetricNPS, 1, t0.Add(20*time.Millisecond))
	s.doAt(t0.Add(30*time.Millisecond), events.OpenFollowUp{FeedbackID: third, Note: "back-dated"})
	s.doAt(p1.Add(20*time.Millisecond), events.CloseFollowUp{FeedbackID: third, ActionTaken: "called"})
	p4 := mark()
	logged(tps[2], events.MetricNPS, 6, time.Time{})

	periods := [][2]time.Time{
		{t0.Add(-time.Hour), p1}, {p1, p2}, {t0, p3}, {p1, dayStart}, {dayStart, p4}, {p2, p4},
		{p3, time.Now().Add(time.Hour)}, {t0.Add(-2 * time.Hour), t0}, {t0.Add(-time.Hour), time.Now().Add(24 * time.Hour)},
	}
	// Recorded-time cuts: mid-day, at a day's start, before the back-dated
	// records, and after everything.
	knownAts := []time.Time{p1, dayStart, p3, p4, time.Now().Add(time.Hour)}
	ctx := context.Background()
	full, _, fullViews := rebuilt(t, s)
	var cuts []*projections.Checkpoint
	if _, err := full.Rebuild(ctx, func(seq uint64) bool { return seq%40 == 0 }, func(c *projections.Checkpoint) error { cuts = append(cuts, c); return nil }, nil); err != nil {
		t.Fatal(err)
	}
	restored, _, restoredViews := rebuilt(t, s)
	if err := restored.Restore(roundTrip(t, cuts[len(cuts)/2])); err != nil {
		t.Fatal(err)
	}
	if _, err := restored.Rebuild(ctx, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, side := range []struct {
		name string
		p    *projections.Projector
		v    *projections.Views
	}{{"full", full, fullViews}, {"restored", restored, restoredViews}} {
		replays := projections.ReportReplays()
		// impacts counts the decisions shown with what the council knew of
		// their targets and what came of them since the work started.
		impacts := 0
		for i, per := range periods {
			for k, known := range knownAts {
				want, _, err := projections.BuildCouncilReport(ctx, s.store, per[0], per[1], known, projections.Options{Strict: true})
				if err != nil {
					t.Fatal(err)
				}
				got, err := projections.CouncilReportOf(ctx, s.store, side.p, side.v, per[0], per[1], known)
				if err != nil {
					t.Fatalf("%s, period %d, known_at %d: %v", side.name, i, k, err)
				}
				for _, d := range want.Decisions {
					if o := d.Impact; o != nil && len(o.Stages) > 1 && o.Stages[0].Before.Count > 0 && o.AfterStart != nil && len(o.KPIs) == 2 {
						impacts++
					}
				}
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				if string(w) != string(g) {
					t.Errorf("%s, period %d (%s to %s), known at %s: the report of the views differs from the replay's:\nviews  %s\nreplay %s",
						side.name, i, per[0], per[1], known, g, w)
				}
			}
		}
		if impacts == 0 {
			t.Errorf("%s: no report showed a decision's impact on its targets", side.name)
		}
		// Every record of this history decodes: no report may have been
		// left to the replay it is compared with.
		if n := projections.ReportReplays() - replays; n > 0 {
			t.Errorf("%s: %d of %d reports were built by a replay, not from the views", side.name, n, len(periods)*len(knownAts))
		}
	}
}
