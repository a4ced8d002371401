package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsRoutes serve the Server's own Prometheus registry in the text
// exposition format.
func (s *Server) metricsRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/metrics", Summary: "Prometheus metrics: HTTP requests, projections, read-model failures, readiness, the event log's commits", Public: true,
			Response: Media{"text/plain": ""},
			Handler:  func(c echo.Context) error { s.metrics.handler.ServeHTTP(c.Response(), c.Request()); return nil }},
	}
}

// metrics are a Server's Prometheus metrics. Each Server has its own
// registry rather than the global one, so that tests and a process may run
// several servers without their series colliding.
type metrics struct {
	registry *prometheus.Registry
	handler  http.Handler
	http     *httpMetrics
}

func newMetrics(s *Server) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		handler:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}),
		http:     newHTTPMetrics(reg),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		projectionCollector{s},
	)
	reg.MustRegister(s.Collectors...)
	return m
}

// projectionCollector reads the projector's counts and readiness when
// scraped, so that applying an event costs no metric update.
type projectionCollector struct{ s *Server }

var (
	appliedDesc = prometheus.NewDesc("cxtracker_projector_events_applied_total",
		"Events the projector has applied to the read models since start.", nil, nil)
	lastSeqDesc = prometheus.NewDesc("cxtracker_projector_last_seq",
		"The stream sequence of the newest event applied to every read model.", nil, nil)
	failuresDesc = prometheus.NewDesc("cxtracker_read_model_failures_total",
		"Events a read model failed to apply, by model.", []string{"model"}, nil)
	quarantinedDesc = prometheus.NewDesc("cxtracker_quarantined_messages_total",
		"Records of the log skipped rather than applied, by kind (undecodable, unknown_type, missing, rejected); listed at GET /v1/audit/quarantine.", []string{"kind"}, nil)
	readyDesc = prometheus.NewDesc("cxtracker_ready",
		"1 when the tracker can serve (connected and caught up; quarantined records aside), 0 otherwise.", nil, nil)
)

func (projectionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- appliedDesc
	ch <- lastSeqDesc
	ch <- failuresDesc
	ch <- quarantinedDesc
	ch <- readyDesc
}

func (pc projectionCollector) Collect(ch chan<- prometheus.Metric) {
	if p := pc.s.Projector; p != nil {
		ch <- prometheus.MustNewConstMetric(appliedDesc, prometheus.CounterValue, float64(p.Applied()))
		ch <- prometheus.MustNewConstMetric(lastSeqDesc, prometheus.GaugeValue, float64(p.LastSeq()))
		// Every model has a series from zero, so that a rate over its
		// failures is defined before the first one.
		failed := map[string]uint64{}
		for _, f := range p.Failures() {
			failed[f.Model] = f.Count
		}
		for _, m := range p.Models() {
			failed[m.Name()] += 0
		}
		for model, n := range failed {
			ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(n), model)
		}
		for kind, n := range p.QuarantineCounts() {
			ch <- prometheus.MustNewConstMetric(quarantinedDesc, prometheus.CounterValue, float64(n), kind)
		}
	}
	ready := 0.0
	if pc.s.Ready != nil && pc.s.Ready() == nil {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, ready)
}
