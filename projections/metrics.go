package projections

import "cxtracker/events"

// Metrics is how every view shows feedback scores: nps, csat and ces, each
// with its count beside it. A metric with no responses is null, not zero:
// an NPS of 0 is a real score.
type Metrics struct {
	NPS       *float64 `json:"nps"`
	NPSCount  int      `json:"nps_count"`
	CSAT      *float64 `json:"csat"`
	CSATMean  *float64 `json:"csat_mean"`
	CSATCount int      `json:"csat_count"`
	// CES is a mean effort score: lower is better.
	CES      *float64 `json:"ces"`
	CESCount int      `json:"ces_count"`
}

// MetricsOf shows a summary of scores.
func MetricsOf(s events.Summary) Metrics {
	opt := func(v float64, ok bool) *float64 {
		if !ok {
			return nil
		}
		return &v
	}
	return Metrics{
		NPS: opt(s.NPS()), NPSCount: s.Count(events.MetricNPS),
		CSAT: opt(s.CSAT()), CSATMean: opt(s.CSATMean()), CSATCount: s.Count(events.MetricCSAT),
		CES: opt(s.CES()), CESCount: s.Count(events.MetricCES),
	}
}
