package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"cxtracker/events/jetstream"
)

// storeMetrics serve on /metrics how the event store has committed appends,
// read from its counters when scraped: appends per atomic batch is what
// group commit saves, each plain publish costing the server an fsync.
func storeMetrics(st *jetstream.Store) []prometheus.Collector {
	counter := func(name, help string, value func(jetstream.CommitStats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(value(st.CommitStats())) })
	}
	return []prometheus.Collector{
		counter("cxtracker_log_atomic_batches_total", "Atomic batches the event store has committed since start.",
			func(s jetstream.CommitStats) uint64 { return s.Batches }),
		counter("cxtracker_log_batched_appends_total", "Appends the event store has committed in atomic batches since start.",
			func(s jetstream.CommitStats) uint64 { return s.BatchedAppends }),
		counter("cxtracker_log_plain_appends_total", "Single-event appends the event store has published on their own since start.",
			func(s jetstream.CommitStats) uint64 { return s.PlainAppends }),
	}
}
