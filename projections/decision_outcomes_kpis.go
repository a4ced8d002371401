package projections

import (
	"math"
	"time"

	"cxtracker/events"
)

// KPIOutcome is a targeted KPI's value in each window of a decision's
// outcome, and the change from before the decision to each window after.
// Source says where the values come from: "hand" (measurements entered by
// hand, which have no margin) or "feedback" (computed from the feedback in
// the KPI's scope, with counts and margins).
type KPIOutcome struct {
	ID                    string     `json:"id"`
	Name                  string     `json:"name"`
	Metric                string     `json:"metric"`
	Unit                  string     `json:"unit"`
	Direction             string     `json:"direction"`
	Target                float64    `json:"target"`
	Source                string     `json:"source" enum:"hand,feedback"`
	Before                KPIValue   `json:"before"`
	AfterStart            *KPIValue  `json:"after_start"`
	AfterCompletion       *KPIValue  `json:"after_completion"`
	ChangeAfterStart      *KPIChange `json:"change_after_start"`
	ChangeAfterCompletion *KPIChange `json:"change_after_completion"`
}

// KPIValue is a KPI's value for one window, null when there is none. For
// a KPI measured by hand it is a measurement (MeasuredAt says which); for
// one computed from the feedback, the window's figure with its count of
// responses and 95% margin.
type KPIValue struct {
	Value      *float64   `json:"value"`
	MeasuredAt *time.Time `json:"measured_at,omitempty"`
	Count      int        `json:"count"`
	Margin     *float64   `json:"margin"`
}

// KPIChange is the change of a KPI's value from before a decision to a
// window after it, the margin of that change (null when either value has
// none, as measurements by hand do), and whether it is larger.
type KPIChange struct {
	Change       *float64 `json:"change"`
	Margin       *float64 `json:"margin"`
	BeyondMargin bool     `json:"beyond_margin"`
}

// kpiOutcome is KPI k's values in the windows w.
func (b outcomeBasis) kpiOutcome(k KPIView, w outcomeWindows) (KPIOutcome, error) {
	o := KPIOutcome{ID: k.ID, Name: k.Name, Metric: k.Metric, Unit: k.Unit, Direction: k.Direction, Target: k.Target, Source: KPISourceHand}
	if _, ok := kpiFeedbackScope(k); ok {
		o.Source = KPISourceFeedback
	}
	var err error
	if o.Before, err = b.kpiValue(k, w.before); err != nil {
		return o, err
	}
	after := func(win *OutcomeWindow) (*KPIValue, *KPIChange, error) {
		if win == nil {
			return nil, nil, nil
		}
		val, err := b.kpiValue(k, *win)
		if err != nil {
			return nil, nil, err
		}
		ch := kpiChange(o.Before, val)
		return &val, &ch, nil
	}
	if o.AfterStart, o.ChangeAfterStart, err = after(w.afterStart); err != nil {
		return o, err
	}
	o.AfterCompletion, o.ChangeAfterCompletion, err = after(w.afterCompleted)
	return o, err
}

// kpiValue is the one place a KPI's value over a window is read. A KPI
// computed from the feedback takes the window's figure for its scope, cut
// where the window is (see OutcomeWindow), read as the targets' figures
// are (outcomeBasis.sums) from the scope's touchpoints alone. A KPI measured by hand takes,
// for the window known at a decision, its latest measurement by then
// (measured before the window's end and recorded before the decision:
// what the council could have seen, however old); for a window after the
// decision, its latest measurement in the window, or none when nothing
// was measured in it.
func (b outcomeBasis) kpiValue(k KPIView, w OutcomeWindow) (KPIValue, error) {
	if scope, ok := kpiFeedbackScope(k); ok {
		sums, places, err := b.sums(b.feedback.scopeTouchpoints(scope), w, scope.Segment)
		if err != nil {
			return KPIValue{}, err
		}
		return metricValue(k.Metric, FiguresOf(scopeSum(sums, places, scope))), nil
	}
	var out KPIValue
	for _, ms := range k.Measurements { // oldest measured first
		if !ms.MeasuredAt.Before(w.To) {
			break
		}
		if (w.atDecision && !ms.RecordedAt.Before(w.storedBefore)) || (!w.atDecision && ms.MeasuredAt.Before(w.From)) {
			continue
		}
		value, at := ms.Value, ms.MeasuredAt
		out = KPIValue{Value: &value, MeasuredAt: &at}
	}
	return out, nil
}

// kpiFeedbackScope is the feedback a KPI is computed from, and whether it
// is computed from the feedback at all: a KPI on nps, csat or ces is, from
// its scope (none: all the feedback), as the KPIs model computes it.
func kpiFeedbackScope(k KPIView) (FigureScope, bool) {
	s := k.FeedbackScope
	return FigureScope{JourneyID: s.JourneyID, StageID: s.StageID, TouchpointID: s.TouchpointID, Segment: s.Segment}, events.ComputedFrom(k.Metric)
}

// metricValue is metric's value in f, with its count and margin.
func metricValue(metric string, f Figures) KPIValue {
	switch metric {
	case events.MetricNPS:
		return KPIValue{Value: f.NPS, Count: f.NPSCount, Margin: f.Margin.NPS}
	case events.MetricCSAT:
		return KPIValue{Value: f.CSAT, Count: f.CSATCount, Margin: f.Margin.CSAT}
	case events.MetricCES:
		return KPIValue{Value: f.CES, Count: f.CESCount, Margin: f.Margin.CES}
	}
	return KPIValue{}
}

// kpiChange is the change from before to after.
func kpiChange(before, after KPIValue) KPIChange {
	ch := KPIChange{Change: change(before.Value, after.Value), Margin: diffMargin(before.Margin, after.Margin)}
	ch.BeyondMargin = beyond(ch.Change, ch.Margin)
	return ch
}

// Verdict is a change in words for a reader: "better" or "worse" (in the
// direction that is better for the figure: lower for CES and for a KPI
// whose direction is lower_is_better), "within the noise" when it is no
// larger than its margin, "unchanged" when it is zero, and "" when there
// is no change to tell.
func Verdict(change, margin *float64, lowerIsBetter bool) string {
	switch {
	case change == nil:
		return ""
	case *change == 0:
		return "unchanged"
	case margin != nil && math.Abs(*change) <= *margin:
		return "within the noise"
	case (*change < 0) == lowerIsBetter:
		return "better"
	}
	return "worse"
}
