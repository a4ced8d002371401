package projections

import (
	"testing"
	"time"

	"cxtracker/events"
)

// BenchmarkOverdueByTouchpoint is the journey map's count of overdue
// follow-ups on a store of 100,000 items over 50 touchpoints, one in 50
// with a follow-up: half of those overdue (1,000), half due later. It
// visits the overdue ones only:
//
//	go test -run '^$' -bench '^BenchmarkOverdueByTouchpoint$' ./projections/
func BenchmarkOverdueByTouchpoint(b *testing.B) {
	const n, touchpoints = 100_000, 50
	s, err := openItemStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	journey, stage := events.NewID(), events.NewID()
	tps := make([]string, touchpoints)
	for i := range tps {
		tps[i] = events.NewID()
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		it := FeedbackItem{ID: events.NewID(), TouchpointID: tps[i%touchpoints], JourneyID: journey, StageID: stage, Metric: events.MetricNPS, Score: i % 11,
			Source: events.SourceSurvey, OccurredAt: now.Add(-time.Duration(i) * time.Minute), LoggedAt: now}
		if err := s.logItemLater(uint64(2*i+1), now, it, func(FeedbackItem, bool) {}); err != nil {
			b.Fatal(err)
		}
		if i%50 != 0 {
			continue
		}
		due := dueKey(now.Add(time.Duration(i%100-50) * time.Hour)) // every other one before now
		err := s.writeLater(uint64(2*i+2), func(st itemStmts) error {
			_, err := st.open.Exec("", "", "", "rule", due, it.ID)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	want := n / 50 / 2
	for b.Loop() {
		by, err := s.overdueByTouchpoint(now)
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for _, c := range by {
			got += c
		}
		if got != want {
			b.Fatalf("counted %d overdue, want %d", got, want)
		}
	}
}
