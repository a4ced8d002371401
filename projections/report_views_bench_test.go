package projections_test

import (
	"context"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// BenchmarkCouncilReportOf is the council report for the last year, known
// now, from the read models of a log of a program and a year of back-dated
// feedback (CXTRACKER_BENCH_PAST_ITEMS, 50,000 by default) stored today:
// its time should grow with the days and touchpoints, not the items.
// raw is JetStream reading the log's last record, the least a report of the
// log does.
func BenchmarkCouncilReportOf(b *testing.B) {
	_, s, year := backdatedLog(b, benchPastItems())
	ctx := context.Background()
	e, err := events.NewEngine(s.store)
	if err != nil {
		b.Fatal(err)
	}
	v := projections.NewViews()
	p := projections.NewProjector(s.store, e, nil, v.Models()...)
	if _, err := p.Rebuild(ctx, nil, nil, nil); err != nil {
		b.Fatal(err)
	}
	from, to := year.Truncate(24*time.Hour), time.Now().UTC().Add(24*time.Hour)
	// Views kept in memory write their items into SQLite at the first read
	// that needs them (a server's store is on disk and written as it goes):
	// that once is not a report's cost.
	if _, err := projections.CouncilReportOf(ctx, s.store, p, v, from, to, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.store.LastSeq(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("report", func(b *testing.B) {
		for b.Loop() {
			if _, err := projections.CouncilReportOf(ctx, s.store, p, v, from, to, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
