package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"cxtracker/events"
)

// metric reads one unlabelled series from /metrics.
func metric(t *testing.T, base, name string) float64 {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics answered %d", code)
	}
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

func TestMetricsShowHowTheLogCommitsAppends(t *testing.T) {
	m := startMain(t, nil)
	base := "http://" + m.HTTPAddr()
	before := metric(t, base, "cxtracker_log_plain_appends_total")
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	expect := events.ExpectNew()
	for v := range uint64(3) {
		e, err := events.NewEvent(agg, "crew_formed", 1, v+1, map[string]any{"name": "Platform"}, events.Meta{Actor: events.NewID()})
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Store().Append(context.Background(), agg, expect, e)
		if err != nil {
			t.Fatal(err)
		}
		expect = events.ExpectSeq(res.LastSeq)
	}
	stats := m.Store().CommitStats()
	if got := metric(t, base, "cxtracker_log_plain_appends_total"); got != float64(stats.PlainAppends) || got < before+3 {
		t.Errorf("plain appends: /metrics says %v (before %v), the store %d, after 3 lone appends", got, before, stats.PlainAppends)
	}
	if got := metric(t, base, "cxtracker_log_batched_appends_total"); got != float64(stats.BatchedAppends) {
		t.Errorf("batched appends: /metrics says %v, the store %d", got, stats.BatchedAppends)
	}
	if got := metric(t, base, "cxtracker_log_atomic_batches_total"); got != float64(stats.Batches) {
		t.Errorf("batches: /metrics says %v, the store %d", got, stats.Batches)
	}
}
