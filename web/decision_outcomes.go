package web

import (
	"cmp"
	"fmt"
	"html/template"
	"strings"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// What came of a decision, for senior readers: each targeted stage,
// touchpoint and KPI, each measure it has, before → after with the margin,
// and in words whether it got better, worse, or stayed within the noise.

// outcomeFuncs are the decision timeline's outcome helpers.
var outcomeFuncs = template.FuncMap{
	"outcomeRows":   outcomeRows,
	"outcomeWindow": outcomeWindow,
	"verdictClass":  func(v string) string { return "verdict-" + strings.ReplaceAll(cmp.Or(v, "none"), " ", "-") },
}

// outcomeRow is one measure of one target, in words. AfterStart and
// AfterCompletion are empty when the window does not apply; each verdict
// is "better", "worse", "within the noise", "unchanged", or "" with
// nothing to compare.
type outcomeRow struct {
	Kind, Name, Measure                 string
	Before, AfterStart, AfterCompletion string
	StartVerdict, CompletionVerdict     string
}

// feedbackMeasure reads one metric out of figures and their change.
type feedbackMeasure struct {
	name   string
	lower  bool
	value  func(projections.Figures) (v *float64, n int, margin *float64)
	change func(projections.FigureChange) (v, margin *float64)
}

var feedbackMeasures = []feedbackMeasure{
	{"NPS", false, func(f projections.Figures) (*float64, int, *float64) { return f.NPS, f.NPSCount, f.Margin.NPS },
		func(c projections.FigureChange) (*float64, *float64) { return c.NPS, c.Margin.NPS }},
	{"CSAT %", false, func(f projections.Figures) (*float64, int, *float64) { return f.CSAT, f.CSATCount, f.Margin.CSAT },
		func(c projections.FigureChange) (*float64, *float64) { return c.CSAT, c.Margin.CSAT }},
	{"CES (lower is better)", true, func(f projections.Figures) (*float64, int, *float64) { return f.CES, f.CESCount, f.Margin.CES },
		func(c projections.FigureChange) (*float64, *float64) { return c.CES, c.Margin.CES }},
}

// outcomeRows are the rows of a decision's outcome: per stage and
// touchpoint each feedback measure with responses in some window, then
// the KPIs.
func outcomeRows(o *projections.DecisionOutcome) []outcomeRow {
	if o == nil {
		return nil
	}
	var rows []outcomeRow
	for _, g := range []struct {
		kind    string
		targets []projections.TargetOutcome
	}{{"Stage", o.Stages}, {"Touchpoint", o.Touchpoints}} {
		for _, t := range g.targets {
			for _, m := range feedbackMeasures {
				row, n := outcomeRow{Kind: g.kind, Name: t.Name, Measure: m.name}, 0
				cell := func(f *projections.Figures) string {
					if f == nil {
						return ""
					}
					v, count, margin := m.value(*f)
					n += count
					return figureWords(v, margin, count)
				}
				verdict := func(c *projections.FigureChange) string {
					if c == nil {
						return ""
					}
					v, margin := m.change(*c)
					return projections.Verdict(v, margin, m.lower)
				}
				row.Before, row.AfterStart, row.AfterCompletion = cell(&t.Before), cell(t.AfterStart), cell(t.AfterCompletion)
				row.StartVerdict, row.CompletionVerdict = verdict(t.ChangeAfterStart), verdict(t.ChangeAfterCompletion)
				if n > 0 {
					rows = append(rows, row)
				}
			}
		}
	}
	for _, k := range o.KPIs {
		lower := k.Direction == events.LowerIsBetter
		verdict := func(c *projections.KPIChange) string {
			if c == nil {
				return ""
			}
			return projections.Verdict(c.Change, c.Margin, lower)
		}
		rows = append(rows, outcomeRow{Kind: "KPI", Name: k.Name, Measure: kpiMeasure(k),
			Before: kpiWords(&k.Before, k), AfterStart: kpiWords(k.AfterStart, k), AfterCompletion: kpiWords(k.AfterCompletion, k),
			StartVerdict: verdict(k.ChangeAfterStart), CompletionVerdict: verdict(k.ChangeAfterCompletion)})
	}
	return rows
}

// figureWords is a figure with its margin and count: "−50.0 ± 84.9 (4
// responses)", "no responses", or "" for a window that does not apply.
func figureWords(v, margin *float64, n int) string {
	if v == nil {
		return "no responses"
	}
	s := fmt.Sprintf("%.1f", *v)
	if margin != nil {
		s += fmt.Sprintf(" ± %.1f", *margin)
	}
	return s + " (" + plural(n, "response") + ")"
}

// kpiMeasure says what a KPI measures and where its values come from:
// "NPS (higher is better; computed from the feedback in its scope; target
// 30 points)", "wait (lower is better; measured by hand, no margin; target
// 5 minutes)".
func kpiMeasure(k projections.KPIOutcome) string {
	metric, how := k.Metric, "measured by hand, no margin"
	if k.Source == projections.KPISourceFeedback {
		metric, how = strings.ToUpper(k.Metric), "computed from the feedback in its scope"
	}
	better := "higher is better"
	if k.Direction == events.LowerIsBetter {
		better = "lower is better"
	}
	return strings.TrimSpace(fmt.Sprintf("%s (%s; %s; target %s %s", metric, better, how, trimNum(k.Target), k.Unit)) + ")"
}

// kpiWords is KPI k's value in a window: "72 hours (measured 30 Nov
// 2026)" or "nothing measured" by hand, "38.0 ± 9.1 (120 responses)" or
// "no responses" from the feedback, and "" for a window that does not
// apply.
func kpiWords(v *projections.KPIValue, k projections.KPIOutcome) string {
	switch {
	case v == nil:
		return ""
	case k.Source == projections.KPISourceFeedback:
		return figureWords(v.Value, v.Margin, v.Count)
	case v.Value == nil:
		return "nothing measured"
	}
	when := ""
	if v.MeasuredAt != nil {
		when = " (measured " + dateOf(*v.MeasuredAt, "2 Jan 2006") + ")"
	}
	return trimNum(*v.Value) + " " + k.Unit + when
}

// trimNum is a number without trailing zeros: 72, 7.5.
func trimNum(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// outcomeWindow is a window in words: "2 Jan 2025 – 1 Apr 2025", with
// "as recorded by <date>" or "to now".
func outcomeWindow(w *projections.OutcomeWindow) string {
	if w == nil {
		return ""
	}
	day := func(t time.Time) string { return dateOf(t, "2 Jan 2006") }
	s := day(w.From) + " – " + day(w.To)
	switch {
	case w.KnownAt != nil:
		s += ", as recorded by " + dateOf(*w.KnownAt, "2 Jan 2006 15:04 UTC")
	case w.Ongoing:
		s = day(w.From) + " to now"
	}
	return s
}
