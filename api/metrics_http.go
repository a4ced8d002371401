package api

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics count requests by method, route pattern and status, and time
// them by method and route. Series are labelled with the route's pattern
// (c.Path()), never the URL, so their number is bounded by the route table.
// Each route's place is made at start and kept in a map that is only read
// afterwards, and its series are made on first use (so that a scrape shows
// only what was requested), so a request costs a map lookup, a clock read
// and a few atomic operations.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	routes   map[routeKey]*routeSeries
	// unmatched count requests that matched no route (404, 405) by method,
	// with any method outside the standard ones as "OTHER".
	unmatched map[string]*routeSeries
}

type routeKey struct{ method, path string }

// unmatchedRoute labels requests that matched no route.
const unmatchedRoute = "unmatched"

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	h := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cxtracker_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cxtracker_http_request_duration_seconds", Help: "Time to answer an HTTP request, by method and route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"method", "route"}),
		routes:    map[routeKey]*routeSeries{},
		unmatched: map[string]*routeSeries{},
	}
	reg.MustRegister(h.requests, h.duration)
	for _, m := range append(slices.Clone(standardMethods), "OTHER") {
		h.unmatched[m] = h.series(m, unmatchedRoute)
	}
	return h
}

var standardMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace}

// track makes the series of every route, before the server answers.
func (h *httpMetrics) track(routes []Route) {
	for _, r := range routes {
		p := echoPath(r.Path)
		h.routes[routeKey{r.Method, p}] = h.series(r.Method, p)
	}
}

func (h *httpMetrics) series(method, route string) *routeSeries {
	return &routeSeries{method: method, route: route, requests: h.requests, durations: h.duration}
}

// observe is the middleware that measures every request. It runs outside
// every other middleware and hands an error to the error handler itself, so
// that it counts the status that is finally sent.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		h := s.metrics.http
		req := c.Request()
		rs := h.routes[routeKey{req.Method, c.Path()}]
		if rs == nil {
			rs = h.unmatched[req.Method]
			if rs == nil {
				rs = h.unmatched["OTHER"]
			}
		}
		rs.observer().Observe(time.Since(start).Seconds())
		rs.counter(c.Response().Status).Inc()
		return nil
	}
}

// routeSeries are one route's series. Its histogram is made on first use,
// and its counters by status on a status's first use, kept in a small
// copy-on-write list; both are read without a lock.
type routeSeries struct {
	method, route string
	requests      *prometheus.CounterVec
	durations     *prometheus.HistogramVec

	mu       sync.Mutex
	duration atomic.Pointer[observer]
	statuses atomic.Pointer[[]statusCounter]
}

type observer struct{ prometheus.Observer }

func (rs *routeSeries) observer() observer {
	if o := rs.duration.Load(); o != nil {
		return *o
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if o := rs.duration.Load(); o != nil {
		return *o
	}
	o := &observer{rs.durations.WithLabelValues(rs.method, rs.route)}
	rs.duration.Store(o)
	return *o
}

type statusCounter struct {
	status  int
	counter prometheus.Counter
}

func (rs *routeSeries) counter(status int) prometheus.Counter {
	if list := rs.statuses.Load(); list != nil {
		for _, sc := range *list {
			if sc.status == status {
				return sc.counter
			}
		}
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var list []statusCounter
	if p := rs.statuses.Load(); p != nil {
		list = *p
	}
	for _, sc := range list {
		if sc.status == status {
			return sc.counter
		}
	}
	c := rs.requests.WithLabelValues(rs.method, rs.route, strconv.Itoa(status))
	grown := append(slices.Clip(list), statusCounter{status, c})
	rs.statuses.Store(&grown)
	return c
}
