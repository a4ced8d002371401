package projections

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"cxtracker/events"
)

// impactRow is one figure of one target of a decision, in each window: a
// stage's or touchpoint's metric, or a KPI.
type impactRow struct {
	kind, name, metric string
	lowerIsBetter      bool
	before             KPIValue
	afterStart         *KPIValue
	afterCompletion    *KPIValue
}

// impactRows are the figures of o's targets: each metric a stage or
// touchpoint has in some window (the NPS alone when it has none), and
// each KPI.
func impactRows(o *DecisionOutcome) []impactRow {
	var out []impactRow
	places := func(kind string, ts []TargetOutcome) {
		for _, t := range ts {
			var rows []impactRow
			for _, m := range events.Metrics {
				row := impactRow{kind: kind, name: t.Name, metric: m, lowerIsBetter: m == events.MetricCES, before: metricValue(m, t.Before)}
				any := row.before.Value != nil
				for _, w := range []struct {
					f   *Figures
					set **KPIValue
				}{{t.AfterStart, &row.afterStart}, {t.AfterCompletion, &row.afterCompletion}} {
					if w.f != nil {
						v := metricValue(m, *w.f)
						*w.set, any = &v, any || v.Value != nil
					}
				}
				if any {
					rows = append(rows, row)
				}
			}
			if len(rows) == 0 {
				row := impactRow{kind: kind, name: t.Name, metric: events.MetricNPS}
				if t.AfterStart != nil {
					row.afterStart = &KPIValue{}
				}
				if t.AfterCompletion != nil {
					row.afterCompletion = &KPIValue{}
				}
				rows = append(rows, row)
			}
			out = append(out, rows...)
		}
	}
	places("stage", o.Stages)
	places("touchpoint", o.Touchpoints)
	for _, k := range o.KPIs {
		out = append(out, impactRow{kind: "kpi", name: k.Name, metric: k.Metric, lowerIsBetter: k.Direction == events.LowerIsBetter,
			before: k.Before, afterStart: k.AfterStart, afterCompletion: k.AfterCompletion})
	}
	return out
}

// writeImpacts writes, for each decision of the period, what the council
// knew of its initiative's targets and what came of them.
func (r *CouncilReport) writeImpacts(b *strings.Builder) {
	b.WriteString("## What the council knew, and what came of it\n\n")
	b.WriteString("For each decision of the period, its targets' figures known at the decision (the 90 days before it, recorded by then), " +
		"since the work started, and in the 90 days after it completed, as the log knew them at the report's known_at and up to the period's end. " +
		"± is the 95% margin of error, (n) the responses; a change is better or worse only when larger than its margin.\n")
	for _, d := range r.Decisions {
		o := d.Impact
		if o == nil {
			continue
		}
		fmt.Fprintf(b, "\n### %s (%s, %s)\n\n", cell(d.Title), d.Outcome, day(d.DecidedAt))
		fmt.Fprintf(b, "Known at the decision: %s. Since the work started: %s. After completion: %s.\n\n",
			window(&o.Before), window(o.AfterStart), window(o.AfterCompletion))
		rows := impactRows(o)
		if len(rows) == 0 {
			b.WriteString("The initiative targeted no stage, touchpoint or KPI.\n")
			continue
		}
		b.WriteString("| target | figure | known at the decision | since the work started | after completion |\n|---|---|---|---|---|\n")
		for _, row := range rows {
			fmt.Fprintf(b, "| %s %s | %s | %s | %s | %s |\n", row.kind, cell(row.name), row.metric, value(&row.before),
				after(row.before, row.afterStart, row.lowerIsBetter), after(row.before, row.afterCompletion, row.lowerIsBetter))
		}
	}
	b.WriteString("\n")
}

// window shows a window of an outcome, "–" when it does not apply.
func window(w *OutcomeWindow) string {
	if w == nil {
		return "–"
	}
	out := day(w.From) + " to " + day(w.To)
	if w.Ongoing {
		out += " (so far)"
	}
	return out
}

// value shows a figure with its margin and count, "–" when there is none.
func value(v *KPIValue) string {
	if v == nil || v.Value == nil {
		return "–"
	}
	out := num(v.Value)
	if v.Margin != nil {
		out += " ±" + num(v.Margin)
	}
	if v.Count > 0 {
		out += fmt.Sprintf(" (%d)", v.Count)
	}
	return out
}

// after shows a figure after a decision and its change from before, in
// words.
func after(before KPIValue, v *KPIValue, lowerIsBetter bool) string {
	if v == nil {
		return "–"
	}
	out := value(v)
	ch := kpiChange(before, *v)
	if ch.Change != nil {
		out += fmt.Sprintf(": %s, %s", signed(ch.Change), Verdict(ch.Change, ch.Margin, lowerIsBetter))
	}
	return out
}

// impactCSV writes the rows of each decision's impact: its windows, then
// each target's figure, margin, count and change in each window.
func (r *CouncilReport) impactCSV(row func(cells ...string)) {
	float := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, d := range r.Decisions {
		o := d.Impact
		if o == nil {
			continue
		}
		for _, w := range []struct {
			name string
			w    *OutcomeWindow
		}{{"before", &o.Before}, {"after_start", o.AfterStart}, {"after_completion", o.AfterCompletion}} {
			if w.w == nil {
				continue
			}
			row("decision_impact", d.InitiativeID, d.Title, w.name+"_from", w.w.From.UTC().Format(time.RFC3339Nano))
			row("decision_impact", d.InitiativeID, d.Title, w.name+"_to", w.w.To.UTC().Format(time.RFC3339Nano))
			row("decision_impact", d.InitiativeID, d.Title, w.name+"_ongoing", strconv.FormatBool(w.w.Ongoing))
		}
		for _, t := range impactRows(o) {
			prefix := t.kind + "_" + t.metric + "_"
			for _, w := range []struct {
				name string
				v    *KPIValue
			}{{"before", &t.before}, {"after_start", t.afterStart}, {"after_completion", t.afterCompletion}} {
				if w.v == nil || w.v.Value == nil {
					continue
				}
				row("decision_impact", d.InitiativeID, t.name, prefix+w.name, float(*w.v.Value))
				if w.v.Margin != nil {
					row("decision_impact", d.InitiativeID, t.name, prefix+w.name+"_margin", float(*w.v.Margin))
				}
				row("decision_impact", d.InitiativeID, t.name, prefix+w.name+"_count", strconv.Itoa(w.v.Count))
				if w.name == "before" {
					continue
				}
				if ch := kpiChange(t.before, *w.v); ch.Change != nil {
					row("decision_impact", d.InitiativeID, t.name, prefix+w.name+"_change", float(*ch.Change))
					if ch.Margin != nil {
						row("decision_impact", d.InitiativeID, t.name, prefix+w.name+"_change_margin", float(*ch.Margin))
					}
					row("decision_impact", d.InitiativeID, t.name, prefix+w.name+"_beyond_margin", strconv.FormatBool(ch.BeyondMargin))
				}
			}
		}
	}
}
