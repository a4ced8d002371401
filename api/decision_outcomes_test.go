package api_test

import (
	"math"
	"net/http"
	"testing"
	"time"

	"cxtracker/projections"
)

func TestTheDecisionLogShowsWhatTheCouncilKnewAndWhatCameOfIt(t *testing.T) {
	a := startAPI(t)
	p := setUpProgram(a)
	m := mapAARRR(t, a)
	web := m.Touchpoints["Website"]
	daysAgo := func(n int) string {
		return time.Now().Add(-time.Duration(n) * 24 * time.Hour).UTC().Format(time.RFC3339)
	}
	log := func(occurred string, scores ...int) {
		for _, s := range scores {
			body := map[string]any{"touchpoint_id": web, "metric": "nps", "score": s, "source": "survey"}
			if occurred != "" {
				body["occurred_at"] = occurred
			}
			a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", body)
		}
	}
	var kpi projections.KPIView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "Call back wait", "metric": "wait_hours", "unit": "hours",
		"target": 24, "direction": "lower_is_better"}).JSON(t, &kpi)
	measure := func(value float64, measured string) {
		body := map[string]any{"value": value}
		if measured != "" {
			body["measured_at"] = measured
		}
		a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis/"+kpi.ID+"/measurements", body)
	}
	// Known before the decision: 0 and 10 at the website (NPS 0), a wait of 72 hours.
	log(daysAgo(3), 0, 10)
	measure(72, daysAgo(3))

	one := p.as(a, p.carla, http.StatusCreated, http.MethodPost, "/v1/initiatives", map[string]any{"title": "Call back within a day",
		"problem": "Customers wait three days", "stage_ids": []string{m.Stages["Acquisition"]}, "touchpoint_ids": []string{web}, "kpi_ids": []string{kpi.ID}})
	path := "/v1/initiatives/" + one.ID
	for _, who := range []string{p.carla, p.diego, p.elena} {
		p.as(a, who, http.StatusOK, http.MethodPost, path+"/votes", map[string]any{"vote": "approve"})
	}
	p.as(a, p.diego, http.StatusOK, http.MethodPost, path+"/decision", map[string]any{"outcome": "approved", "rationale": "quick win"})

	// Recorded after the decision, though it happened before: the council could not have seen it.
	log(daysAgo(1), 10, 10)
	measure(60, daysAgo(1))
	a.Must(http.StatusOK, http.MethodPost, path+"/start", nil)
	// After the work started: two promoters, a wait of 20 hours.
	log("", 10, 10)
	measure(20, "")

	type page struct {
		Items []projections.DecisionView `json:"items"`
	}
	var got page
	a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions", nil).JSON(t, &got)
	if len(got.Items) != 1 || got.Items[0].Outcome == nil {
		t.Fatalf("decision log %+v", got.Items)
	}
	d := got.Items[0]
	o := d.Outcome
	if !o.Before.To.Equal(d.Decision.DecidedAt) || !o.Before.From.Equal(d.Decision.DecidedAt.Add(-projections.KnownWindow)) || o.Before.KnownAt == nil ||
		o.AfterStart == nil || !o.AfterStart.Ongoing || !o.AfterStart.From.Equal(*d.Afterwards.StartedAt) || o.AfterCompletion != nil {
		t.Fatalf("windows %+v %+v", o.Before, o.AfterStart)
	}
	// The website: 0, 10 before (NPS 0 of 2: p = d = 0.5, margin 196·√(1/2) = 138.593); 10, 10 since the start (100, margin 0).
	w := o.Touchpoints[0]
	if w.ID != web || w.Name != "Website" || w.Before.NPSCount != 2 || *w.Before.NPS != 0 || w.Before.Margin.NPS == nil || math.Abs(*w.Before.Margin.NPS-138.593) > 0.001 ||
		w.AfterStart.NPSCount != 2 || *w.AfterStart.NPS != 100 || *w.ChangeAfterStart.NPS != 100 || w.ChangeAfterStart.NPSBeyondMargin {
		t.Fatalf("website %+v", w)
	}
	if st := o.Stages[0]; st.Name != "Acquisition" || st.Before.NPSCount != 2 || st.AfterStart.NPSCount != 2 {
		t.Fatalf("stage %+v", st)
	}
	// The KPI known at the decision is the 72 hours; the 60 was recorded later. Since the start: 20.
	if k := o.KPIs[0]; k.Name != "Call back wait" || k.Source != projections.KPISourceHand || *k.Before.Value != 72 || *k.AfterStart.Value != 20 ||
		*k.ChangeAfterStart.Change != -52 || k.ChangeAfterStart.Margin != nil {
		t.Fatalf("kpi %+v", k)
	}
}
