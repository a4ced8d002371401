package main

import (
	"context"
	"math"
	"net/http"
	"time"
)

// planMeasurements records a measurement of every KPI measured by hand at
// the end of each of the last twelve months, dated then, along its path
// with some noise. The tracker computes the feedback KPIs itself.
func (l *demoLoader) planMeasurements() {
	for _, k := range demoKPIs {
		if !k.byHand() {
			continue
		}
		for i := 12; i >= 1; i-- {
			at := l.opt.Now.AddDate(0, -i+1, 0).Add(-time.Second)
			f := float64(12-i) / 11
			value := k.start + f*(k.end-k.start) + l.rng.NormFloat64()*math.Abs(k.end-k.start)/12
			body := obj{"value": math.Round(value*10) / 10, "measured_at": at.Format(time.RFC3339)}
			if i == 1 {
				body["note"] = "Month to date."
			}
			l.tl.at(at, func(ctx context.Context) error {
				l.res.Measurements++
				return l.post(ctx, http.MethodPost, "/v1/kpis/"+l.kpis[k.key]+"/measurements", body)
			})
		}
	}
}
