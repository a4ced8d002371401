package main

import (
	"context"
	"math"
	"net/http"
	"time"
)

// loadMeasurements records a measurement of every KPI measured by hand at
// the end of each of the last twelve months, along its path with some
// noise; the tracker computes the feedback KPIs itself.
func (l *demoLoader) loadMeasurements(ctx context.Context) error {
	l.pr.Step("KPI measurements", 0)
	for _, k := range demoKPIs {
		if k.start == 0 && k.end == 0 {
			continue
		}
		for i := 12; i >= 1; i-- {
			to := l.opt.Now.AddDate(0, -i+1, 0)
			f := float64(12-i) / 11
			value := k.start + f*(k.end-k.start) + l.rng.NormFloat64()*math.Abs(k.end-k.start)/12
			body := obj{"value": math.Round(value*10) / 10, "measured_at": to.Add(-time.Second).Format(time.RFC3339)}
			if i == 1 {
				body["note"] = "Month to date."
			}
			if err := l.post(ctx, http.MethodPost, "/v1/kpis/"+l.kpis[k.key]+"/measurements", body); err != nil {
				return err
			}
			l.res.Measurements++
		}
	}
	return nil
}
