package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

func TestKPIsStandAgainstTheirTargets(t *testing.T) {
	m := NewKPIs()
	tp := eventtest.New(t, m)
	nps, wait, gone := fixtureID(60), fixtureID(61), fixtureID(62)
	owner := fixtureID(70)
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: nps},
		events.KPIDefined{KPIID: nps, Name: "Survey NPS", Metric: "survey_nps", Unit: "points", Target: 30, Direction: events.HigherIsBetter, OwnerID: owner},
		events.MeasurementRecorded{Value: 25, MeasuredAt: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Note: "Q1"},
		// A measurement recorded late for an earlier date is history, not the current value.
		events.MeasurementRecorded{Value: 40, MeasuredAt: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), Note: "Q4"},
		events.KPITargetChanged{Target: 20, PreviousTarget: 30},
	)
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: wait},
		events.KPIDefined{KPIID: wait, Name: "Wait", Metric: "wait", Unit: "minutes", Target: 5, Direction: events.LowerIsBetter},
		events.MeasurementRecorded{Value: 7})
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: gone},
		events.KPIDefined{KPIID: gone, Name: "Old", Metric: "x", Unit: "y", Target: 1, Direction: events.LowerIsBetter},
		events.KPIRetired{})

	k, _ := m.Get(nps)
	if k.Current == nil || k.Current.Value != 25 || k.Met == nil || !*k.Met || k.Target != 20 || len(k.Measurements) != 2 || k.Measurements[0].Note != "Q4" {
		t.Fatalf("nps %+v", k)
	}
	if len(k.TargetChanges) != 1 || k.TargetChanges[0].PreviousTarget != 30 {
		t.Fatalf("target changes %+v", k.TargetChanges)
	}
	w, _ := m.Get(wait)
	if w.Met == nil || *w.Met || !w.Current.MeasuredAt.Equal(tp.Now()) {
		t.Fatalf("wait %+v", w)
	}
	if g, _ := m.Get(gone); g.Current != nil || g.Met != nil || !g.Retired {
		t.Fatalf("retired %+v", g)
	}
	if got := m.WithoutOwner(); len(got) != 1 || got[0] != wait {
		t.Fatalf("without owner %v", got)
	}
	tp.Play(events.Aggregate{Kind: events.KindKPI, ID: wait}, events.KPIOwnerChanged{OwnerID: owner})
	if got := m.WithoutOwner(); len(got) != 0 {
		t.Fatalf("without owner after the change %v", got)
	}
	k.Measurements[0].Value = 99
	if again, _ := m.Get(nps); again.Measurements[0].Value != 40 || len(m.List()) != 3 {
		t.Fatal("a reader changed the model")
	}
}
