package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// measured is a bare Echo serving one route through the metrics
// middleware, or through one that does nothing (Echo wraps the handler in
// each middleware per request, which costs the same for any middleware),
// to see what the middleware's own work costs.
func measured(withMetrics bool) *echo.Echo {
	s := &Server{}
	s.metrics = newMetrics(s)
	e := echo.New()
	if withMetrics {
		e.Use(s.observe)
	} else {
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc { return func(c echo.Context) error { return next(c) } })
	}
	r := Route{Method: http.MethodGet, Path: "/v1/things/{id}", Handler: func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }}
	e.Add(r.Method, echoPath(r.Path), r.Handler)
	s.metrics.http.track([]Route{r})
	return e
}

func serve(e *echo.Echo, req *http.Request) {
	e.ServeHTTP(httptest.NewRecorder(), req)
}

// BenchmarkMetricsMiddleware compares a request through the metrics
// middleware with one through a middleware that does nothing, allocations
// included (a test asserting them was flaky: the race detector makes
// sync.Pool drop items at random). When it was
// written, on a 2-core VM, the middleware added 0.15 to 0.3 µs, about
// 0.09 µs of it the two clock reads, against tens of µs for a real answer.
func BenchmarkMetricsMiddleware(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/v1/things/42", nil)
	for _, tc := range []struct {
		name string
		e    *echo.Echo
	}{{"without", measured(false)}, {"with", measured(true)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(tc.e, req)
			}
		})
	}
}
