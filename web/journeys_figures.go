package web

import (
	"fmt"
	"math"

	"cxtracker/events"
	"cxtracker/projections"
)

// How the map reads a period's figures: a value only from enough
// responses to mean something, with its 95% margin of error, beside the
// previous period's, and the change between them in words a reader who
// never studied statistics takes at a glance: beyond the noise (the change
// is larger than its margin) or within it.

// minResponses is how many responses of a metric a place needs in a
// period for the map to show its value, and in both periods to read its
// change: the same number a mover needs.
const minResponses = projections.MoverMinResponses

// pick is the value of the metric named key among one value per metric.
func pick[T any](key string, nps, csat, ces T) T {
	switch key {
	case events.MetricCSAT:
		return csat
	case events.MetricCES:
		return ces
	}
	return nps
}

// periodFigure is one place's reading of a metric in the chosen period,
// beside the period before it.
type periodFigure struct {
	// figure is the period's own value: its text, heat class and word,
	// its count of responses, and the place's open follow-ups.
	figure
	// TooFew says the period has responses, but fewer than minResponses:
	// Text says so instead of a value.
	TooFew bool
	// Margin is the value's margin of error ("± 6.2"), or "".
	Margin string
	// Previous is the previous period's value in words.
	Previous      string
	PreviousCount int
	Change        changeWords
}

// changeWords is a change between two periods as the page writes it.
type changeWords struct {
	// State is better, worse (beyond the noise), noise (within it) or
	// unknown (too few responses to tell); it is the change's CSS class.
	State string
	// Mark is a sign of the change: ▲ or ▼ beyond the noise, ≈ within it.
	Mark string
	// Words say it for a senior leader: "fell beyond the noise".
	Words string
	// Detail gives the numbers: the change and its margin; "" when there
	// is no change to read.
	Detail string
}

// signed writes a change of the metric with its sign and unit.
func (s metricScale) signed(v float64) string {
	return fmt.Sprintf("%+.1f%s", v, s.ChangeUnit)
}

// reading is the value v of n responses with its margin: the value only
// from minResponses responses on.
func (s metricScale) reading(v *float64, n int, margin *float64) (f figure, tooFew bool, m string) {
	f = figure{Text: s.format(v), Class: s.heatClass(v), Count: n, Word: "no responses"}
	switch {
	case v == nil || n == 0:
		return f, false, ""
	case n < minResponses:
		f.Text, f.Class, f.Word = "too few responses", "heat-none", fmt.Sprintf("under %d", minResponses)
		return f, true, ""
	}
	f.Word = bucketWords[s.bucket(*v)]
	if margin != nil {
		m = fmt.Sprintf("± %.1f", *margin)
	}
	return f, false, m
}

// placeFigure reads a place of the map on the scale: its period figures
// pf, and its follow-ups open and overdue now from f.
func (s metricScale) placeFigure(pf *projections.PeriodFigures, f projections.JourneyFigures) periodFigure {
	out := s.periodFigure(pf, f.OpenFollowUps)
	if f.OverdueFollowUps != nil {
		out.Overdue = *f.OverdueFollowUps
	}
	return out
}

// periodFigure reads pf on the scale; open is the place's open follow-ups
// now. A place without period figures reads as having no responses.
func (s metricScale) periodFigure(pf *projections.PeriodFigures, open int) periodFigure {
	if pf == nil {
		pf = &projections.PeriodFigures{}
	}
	cur := pick(s.Key, pf.Current.Margin.NPS, pf.Current.Margin.CSAT, pf.Current.Margin.CES)
	prev := pick(s.Key, pf.Previous.Margin.NPS, pf.Previous.Margin.CSAT, pf.Previous.Margin.CES)
	v, n := s.of(pf.Current.Metrics)
	pv, pn := s.of(pf.Previous.Metrics)
	var out periodFigure
	out.figure, out.TooFew, out.Margin = s.reading(v, n, cur)
	out.Open = open
	out.PreviousCount = pn
	switch before, tooFew, m := s.reading(pv, pn, prev); {
	case pn == 0:
		out.Previous = "no responses"
	case tooFew:
		out.Previous = fmt.Sprintf("too few responses (%d)", pn)
	default:
		out.Previous = before.Text + " " + m + " from " + plural(pn, "response")
	}
	c := pf.Change
	d := pick(s.Key, c.NPS, c.CSAT, c.CES)
	if n < minResponses || pn < minResponses || d == nil {
		out.Change = changeWords{State: "unknown", Words: "too few responses to compare"}
		return out
	}
	out.Change = s.change(*d, pick(s.Key, c.Margin.NPS, c.Margin.CSAT, c.Margin.CES),
		pick(s.Key, c.NPSBeyondMargin, c.CSATBeyondMargin, c.CESBeyondMargin))
	return out
}

// change writes a change d of the metric with its margin (nil when it has
// none), beyond saying d is larger than the margin.
func (s metricScale) change(d float64, margin *float64, beyond bool) changeWords {
	way := "rose"
	if d < 0 {
		way = "fell"
	}
	out := changeWords{Detail: s.signed(d)}
	if margin != nil {
		out.Detail += fmt.Sprintf(" against a margin of ± %.1f", *margin)
	}
	switch {
	case beyond:
		out.State, out.Mark, out.Words = "better", "▲", way+" beyond the noise"
		if d < 0 {
			out.Mark = "▼"
		}
		if (d < 0) != s.LowerIsBetter {
			out.State = "worse"
		}
		if s.LowerIsBetter {
			out.Words += map[bool]string{true: ": more effort, worse", false: ": less effort, better"}[d > 0]
		}
	case d == 0 || math.IsNaN(d):
		out.State, out.Mark, out.Words = "noise", "≈", "unchanged"
	default:
		out.State, out.Mark, out.Words = "noise", "≈", way+" within the noise"
	}
	return out
}
