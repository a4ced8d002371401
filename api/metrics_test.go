package api_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"cxtracker/api"
	"cxtracker/events"
)

// scrape reads /metrics as Prometheus would.
func scrape(t *testing.T, a *testAPI) map[string]*dto.MetricFamily {
	t.Helper()
	r := a.Must(http.StatusOK, http.MethodGet, "/metrics", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics is served as %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("/metrics is not the text format: %v\n%s", err, r.Body)
	}
	return families
}

// value is the value of the series of family name whose labels include
// labels (name, value pairs), and whether there is one.
func value(families map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	a := startAPI(t)
	before := scrape(t, a)
	route := []string{"method", "DELETE", "route", "/v1/tokens/:id", "status", "404"}
	was, _ := value(before, "cxtracker_http_requests_total", route...)
	unknown := events.NewID()
	for range 3 {
		a.Must(http.StatusNotFound, http.MethodDelete, "/v1/tokens/"+unknown, nil)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/no-such-thing", nil)
	after := scrape(t, a)
	if now, _ := value(after, "cxtracker_http_requests_total", route...); now != was+3 {
		t.Fatalf("DELETE /v1/tokens/:id 404 went from %v to %v, want +3", was, now)
	}
	if n, _ := value(after, "cxtracker_http_request_duration_seconds", "method", "DELETE", "route", "/v1/tokens/:id"); n < 3 {
		t.Fatalf("the duration histogram saw %v requests", n)
	}
	if n, _ := value(after, "cxtracker_http_requests_total", "route", "unmatched", "status", "404"); n != 1 {
		t.Fatalf("unmatched 404s: %v", n)
	}
	if n, _ := value(after, "cxtracker_http_requests_total", "method", "GET", "route", "/metrics", "status", "200"); n < 1 {
		t.Fatalf("the first scrape is not counted: %v", n)
	}
	for _, f := range after {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if strings.Contains(l.GetValue(), unknown) || strings.Contains(l.GetValue(), "no-such-thing") {
					t.Fatalf("a raw URL became a label: %s %v", f.GetName(), m.Label)
				}
			}
		}
	}
	// Issuing a token applies one event more.
	applied, _ := value(after, "cxtracker_projector_events_applied_total")
	a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "x", "grants": []string{"action:read_events"}})
	later := scrape(t, a)
	if n, _ := value(later, "cxtracker_projector_events_applied_total"); n != applied+1 {
		t.Fatalf("events applied went from %v to %v", applied, n)
	}
	if seq, _ := value(later, "cxtracker_projector_last_seq"); seq != float64(a.Engine.LastSeq()) {
		t.Fatalf("last seq %v, the engine is at %d", seq, a.Engine.LastSeq())
	}
	if ready, ok := value(later, "cxtracker_ready"); !ok || ready != 1 {
		t.Fatalf("ready %v (%v)", ready, ok)
	}
	if n, ok := value(later, "cxtracker_read_model_failures_total", "model", "tokens"); !ok || n != 0 {
		t.Fatalf("tokens failures %v (%v), want a 0 series", n, ok)
	}
	if _, ok := later["go_goroutines"]; !ok {
		t.Fatal("no Go runtime metrics")
	}
}

// failingModel fails on every revoked token, and panics on a person named
// "Panic Please", as a broken read model would.
type failingModel struct{}

func (failingModel) Name() string { return "failing" }

func (failingModel) Apply(_ events.Record, p events.Payload) error {
	if _, ok := p.(events.TokenRevoked); ok {
		return errors.New("this model cannot take a revocation")
	}
	if r, ok := p.(events.PersonRegistered); ok && r.Name == "Panic Please" {
		panic("this model cannot take that name")
	}
	return nil
}

func TestAReadModelsFailureQuarantinesTheEventAndTheTrackerServesOn(t *testing.T) {
	a := startAPI(t, failingModel{})
	if n, ok := value(scrape(t, a), "cxtracker_quarantined_messages_total", "kind", "rejected"); !ok || n != 0 {
		t.Fatalf("before any failure: %v (%v)", n, ok)
	}
	id := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "x", "grants": []string{"action:read_events"}}).Map(t)["id"].(string)
	revoked := a.Must(http.StatusOK, http.MethodDelete, "/v1/tokens/"+id, nil)
	// The other models went on: the tokens model took the revocation the
	// failing one could not, and a later event is still applied.
	if !strings.Contains(string(revoked.Body), `"revoked":true`) {
		t.Fatalf("the tokens model did not apply the revocation: %s", revoked.Body)
	}
	panicky := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Panic Please", "email": "panic@example.com", "department": "Ops"}).Map(t)["id"].(string)
	later := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Zoe", "email": "zoe@example.com", "department": "Ops"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+later, nil)
	m := scrape(t, a)
	if n, _ := value(m, "cxtracker_read_model_failures_total", "model", "failing"); n != 2 {
		t.Fatalf("failing model failures: %v, want 2", n)
	}
	if n, _ := value(m, "cxtracker_read_model_failures_total", "model", "tokens"); n != 0 {
		t.Fatalf("the tokens model failed too: %v", n)
	}
	if n, _ := value(m, "cxtracker_quarantined_messages_total", "kind", "rejected"); n != 2 {
		t.Fatalf("quarantined as rejected: %v, want 2", n)
	}
	if ready, _ := value(m, "cxtracker_ready"); ready != 1 {
		t.Fatalf("ready %v with a quarantined event", ready)
	}
	a.Must(http.StatusOK, http.MethodGet, "/readyz", nil)
	var q api.QuarantineView
	a.Must(http.StatusOK, http.MethodGet, "/v1/audit/quarantine", nil).JSON(t, &q)
	if q.Count != 2 || q.Items[0].Model != "failing" || q.Items[0].Kind != "rejected" || !strings.Contains(q.Items[1].Reason, "panic") ||
		!strings.Contains(q.Items[1].Subject, panicky) {
		t.Fatalf("quarantine: %+v", q)
	}
	// The aggregates whose history holds them take no command; others do.
	r := a.Must(http.StatusConflict, http.MethodDelete, "/v1/tokens/"+id, nil)
	if want := fmt.Sprintf("holds seq %d", q.Items[0].Seq); !strings.Contains(string(r.Body), want) {
		t.Fatalf("revoking again: %s, want %q", r.Body, want)
	}
	r = a.Must(http.StatusConflict, http.MethodPatch, "/v1/people/"+panicky, map[string]any{"department": "Claims"})
	if want := fmt.Sprintf("holds seq %d", q.Items[1].Seq); !strings.Contains(string(r.Body), want) {
		t.Fatalf("changing the person a model panicked on: %s, want %q", r.Body, want)
	}
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+later, map[string]any{"department": "Claims"})
}
