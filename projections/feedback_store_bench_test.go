package projections

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"cxtracker/events"
)

// BenchmarkItemStoreWrite writes CXTRACKER_BENCH_STORE_ITEMS feedback
// items (100,000) into an item store on disk, as an import's projector
// hands them over (ten touchpoints of one journey, three metrics, times
// spread over a year), and reports the CPU time an item costs the
// process, which a busy machine changes less than the wall time:
//
//	go test -run '^$' -bench '^BenchmarkItemStoreWrite$' -benchtime 1x ./projections/
func BenchmarkItemStoreWrite(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CXTRACKER_BENCH_STORE_ITEMS")); err == nil && v > 0 {
		n = v
	}
	journey := events.NewID()
	var tps, stages []string
	for i := range 10 {
		tps = append(tps, events.NewID())
		if i%3 == 0 {
			stages = append(stages, events.NewID())
		}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = events.NewID()
	}
	metrics := []string{events.MetricNPS, events.MetricCSAT, events.MetricCES}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var cpu time.Duration
	for b.Loop() {
		s, err := openItemStore(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		began := cpuTime()
		for i, id := range ids {
			it := FeedbackItem{ID: id, TouchpointID: tps[(i/3)%len(tps)], JourneyID: journey, StageID: stages[(i/3)%len(tps)/3], Metric: metrics[i%3], Score: i % 5,
				Comment: "Checkout asked for my address twice.", Segment: "smb", Source: events.SourceSurvey,
				OccurredAt: day.Add(time.Duration((i*7919)%(365*24)) * time.Hour), LoggedAt: day.Add(time.Duration(i) * time.Millisecond)}
			if err := s.logItemLater(uint64(i+1), it.LoggedAt, it, func(FeedbackItem, bool) {}); err != nil {
				b.Fatal(err)
			}
			if (i+1)%10_000 == 0 {
				// A read, as the import benchmark's list after each request:
				// everything queued is written and committed.
				if err := s.reading(func(itemReader) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		}
		s.settle()
		cpu += cpuTime() - began
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-us/item")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
