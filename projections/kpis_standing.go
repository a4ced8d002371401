package projections

import (
	"maps"
	"slices"
	"sync"
	"time"

	"cxtracker/events"
)

// KPICurrent is a KPI's value now. For a KPI entered by hand it is the
// measurement with the latest measured_at (the latest recorded among
// equals), with its measured_at, recorded_at and note. For a KPI computed
// from the feedback it is the newest calendar month (UTC) with responses in
// its scope, by when they occurred: the month so far once the month has
// any, else the last month that had some; with the month's period, bounds
// and count of responses.
type KPICurrent struct {
	Value      float64   `json:"value"`
	MeasuredAt time.Time `json:"measured_at,omitzero"`
	Note       string    `json:"note,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	Period     string    `json:"period,omitempty"`
	From       time.Time `json:"from,omitzero"`
	To         time.Time `json:"to,omitzero"`
	Count      int       `json:"count,omitempty"`
}

// KPIFigure is a computed KPI's value and the number of responses it is
// computed from.
type KPIFigure struct {
	Value float64 `json:"value"`
	Count int     `json:"count"`
}

// KPIPeriod is a computed KPI's value in one ISO week (from its Monday) or
// calendar month, UTC, from the responses in its scope that occurred in
// [From, To), and whether it meets the KPI's target now.
type KPIPeriod struct {
	// Period is the week's Monday (2025-03-10) or the month (2025-03).
	Period string    `json:"period"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	KPIFigure
	Met bool `json:"met"`
}

// standing fills in where v's values come from, its current value and
// whether it meets its target, and for a KPI computed from the feedback its
// weekly and monthly history.
func (m *KPIs) standing(v *KPIView) {
	v.Weeks, v.Months = []KPIPeriod{}, []KPIPeriod{}
	if events.ComputedFrom(v.Metric) {
		v.Source = KPISourceFeedback
		if m.feedback != nil {
			v.compute(m.sums.get(m.feedback, v.FeedbackScope, v.Metric))
		}
	} else {
		v.Source = KPISourceHand
		if n := len(v.Measurements); n > 0 {
			ms := v.Measurements[n-1]
			v.Current = &KPICurrent{Value: ms.Value, MeasuredAt: ms.MeasuredAt, Note: ms.Note, RecordedAt: ms.RecordedAt}
		}
	}
	if v.Current != nil {
		met := v.meets(v.Current.Value)
		v.Met = &met
	}
}

// scopeSumsCache keeps the sums of each scope and metric the KPIs read
// while the feedback's daily cells stay as they were, so that reading the
// KPIs again does not sum every cell again. The sums it answers are shared:
// read them, never change them.
type scopeSumsCache struct {
	mu      sync.Mutex
	version [2]uint64
	sums    map[scopeMetric]ScopeSums
}

type scopeMetric struct {
	scope  events.FeedbackScope
	metric string
}

// get is ScopeSums of f, summed again only after the cells changed. The
// version is read before the sums, so sums kept under a version are never
// older than it.
func (c *scopeSumsCache) get(f *Feedback, scope events.FeedbackScope, metric string) ScopeSums {
	version := f.daysVersion()
	key := scopeMetric{scope, metric}
	c.mu.Lock()
	if c.version != version || c.sums == nil {
		c.version, c.sums = version, map[scopeMetric]ScopeSums{}
	}
	sums, ok := c.sums[key]
	c.mu.Unlock()
	if ok {
		return sums
	}
	sums = f.ScopeSums(scope, metric)
	c.mu.Lock()
	if c.version == version {
		c.sums[key] = sums
	}
	c.mu.Unlock()
	return sums
}

// compute sets a computed KPI's history and current value from the sums
// of its scope.
func (v *KPIView) compute(sums ScopeSums) {
	v.Weeks = v.periods(sums.Weeks, "2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 7) })
	v.Months = v.periods(sums.Months, "2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) })
	if f, ok := figureOf(v.Metric, sums.All); ok {
		v.Overall = &f
	}
	if n := len(v.Months); n > 0 {
		p := v.Months[n-1]
		v.Current = &KPICurrent{Value: p.Value, Period: p.Period, From: p.From, To: p.To, Count: p.Count}
	}
}

// periods are the KPI's figures per period start in sums, oldest first.
func (v *KPIView) periods(sums map[time.Time]events.Summary, layout string, next func(time.Time) time.Time) []KPIPeriod {
	out := []KPIPeriod{}
	for _, start := range slices.SortedFunc(maps.Keys(sums), time.Time.Compare) {
		if f, ok := figureOf(v.Metric, sums[start]); ok {
			out = append(out, KPIPeriod{Period: start.Format(layout), From: start, To: next(start), KPIFigure: f, Met: v.meets(f.Value)})
		}
	}
	return out
}

// meets reports whether value reaches the target in the KPI's direction.
func (v *KPIView) meets(value float64) bool { return meetsTarget(v.Direction, v.Target, value) }

// meetsTarget reports whether value reaches target in direction (lower or
// higher is better): the one rule every view of a KPI judges by.
func meetsTarget(direction string, target, value float64) bool {
	if direction == events.LowerIsBetter {
		return value <= target
	}
	return value >= target
}

// figureOf is metric's value in s: NPS in points, CSAT as the percentage
// satisfied, CES as the mean effort, as the headline shows them; false
// when s has no score of metric.
func figureOf(metric string, s events.Summary) (KPIFigure, bool) {
	var (
		value float64
		ok    bool
	)
	switch metric {
	case events.MetricNPS:
		value, ok = s.NPS()
	case events.MetricCSAT:
		value, ok = s.CSAT()
	case events.MetricCES:
		value, ok = s.CES()
	}
	return KPIFigure{Value: value, Count: s.Count(metric)}, ok
}
