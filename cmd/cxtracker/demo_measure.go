package main

import (
	"context"
	"math"
	"net/http"
	"slices"
	"time"
)

// loadMeasurements records a measurement of every KPI at the end of each of
// the last twelve months: the feedback KPIs as their metric over that
// month's feedback, the others along their path with some noise.
func (l *demoLoader) loadMeasurements(ctx context.Context) error {
	l.pr.Step("KPI measurements", 0)
	for _, k := range demoKPIs {
		for i := 12; i >= 1; i-- {
			from, to := l.opt.Now.AddDate(0, -i, 0), l.opt.Now.AddDate(0, -i+1, 0)
			var value float64
			if k.start != 0 || k.end != 0 {
				f := float64(12-i) / 11
				value = k.start + f*(k.end-k.start) + l.rng.NormFloat64()*math.Abs(k.end-k.start)/12
			} else {
				v, ok := l.measure(k, from, to)
				if !ok {
					continue
				}
				value = v
			}
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

// measure is a feedback KPI's metric over the items in [from, to) at its
// touchpoints: NPS as promoters minus detractors in percent, CSAT as the
// percentage satisfied, CES as the mean effort.
func (l *demoLoader) measure(k demoKPI, from, to time.Time) (float64, bool) {
	var n, good, bad, sum int
	for _, it := range l.items {
		if it.metric != k.metric || it.at.Before(from) || !it.at.Before(to) {
			continue
		}
		if k.touchpoints != nil && !slices.Contains(k.touchpoints, demoTouchpoints[it.tp].key) {
			continue
		}
		n++
		sum += it.score
		switch s := sentimentOf(it.metric, it.score); {
		case k.metric == "nps" && s == positive, k.metric == "csat" && s == positive:
			good++
		case k.metric == "nps" && s == negative:
			bad++
		}
	}
	if n == 0 {
		return 0, false
	}
	switch k.metric {
	case "nps", "csat":
		return 100 * float64(good-bad) / float64(n), true
	default:
		return float64(sum) / float64(n), true
	}
}
