package projections

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// num shows an optional score with one decimal, "–" when there is none.
func num(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

// signed shows a change with its sign.
func signed(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%+.1f", *v)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// WriteMarkdown writes the report for people: the council reads it.
func (r *CouncilReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Quality council report\n\nPeriod: %s to %s (UTC), by when things happened.\n\n", day(r.From), day(r.To))
	fmt.Fprintf(&b, "Known at %s: built from the %d events the log recorded by then, up to seq %d (digest `%s`).\n\n",
		r.KnownAt.UTC().Format(time.RFC3339Nano), r.EventsRead, r.Digest.Seq, r.Digest.Digest)
	fmt.Fprintf(&b, "## Decisions (%d)\n\n", len(r.Decisions))
	if len(r.Decisions) > 0 {
		b.WriteString("| initiative | outcome | approve / reject / abstain | voted of seats | quorum | by the chair | rationale |\n|---|---|---|---|---|---|---|\n")
		for _, d := range r.Decisions {
			fmt.Fprintf(&b, "| %s | %s | %d / %d / %d | %d of %d | %t | %t | %s |\n", cell(d.Title), d.Outcome, d.Tally.Approve, d.Tally.Reject,
				d.Tally.Abstain, d.Tally.Voted, d.Tally.Seats, d.Quorum, d.ChairDecision, cell(d.Rationale))
		}
		b.WriteString("\n")
		r.writeImpacts(&b)
	}
	for _, sec := range []struct {
		title string
		list  []ReportInitiative
	}{{"Initiatives started", r.Started}, {"Initiatives completed", r.Completed}, {"Initiatives cancelled", r.Cancelled}} {
		fmt.Fprintf(&b, "## %s (%d)\n\n", sec.title, len(sec.list))
		for _, in := range sec.list {
			fmt.Fprintf(&b, "- %s (%s)%s\n", in.Title, day(in.At), suffix(in.Note))
		}
		if len(sec.list) > 0 {
			b.WriteString("\n")
		}
	}
	b.WriteString("## Journey stages: the period beside the previous one\n\n")
	if len(r.Stages) > 0 {
		fmt.Fprintf(&b, "Previous period: %s to %s. Each figure is the previous period's → the period's ± its 95%% margin of error, "+
			"then the change; * marks a change larger than its margin.\n\n", day(r.Stages[0].PreviousFrom), day(r.From))
	}
	b.WriteString("| journey | stage | NPS | CSAT | CES (lower is better) | responses |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Stages {
		p, c, ch := s.Previous, s.Current, s.Change
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d → %d |\n", cell(s.Journey), cell(s.Name),
			figure(p.NPS, c.NPS, c.Margin.NPS, ch.NPS, ch.NPSBeyondMargin), figure(p.CSAT, c.CSAT, c.Margin.CSAT, ch.CSAT, ch.CSATBeyondMargin),
			figure(p.CES, c.CES, c.Margin.CES, ch.CES, ch.CESBeyondMargin), p.Count, c.Count)
	}
	for _, sec := range []struct {
		title string
		list  []Mover
	}{{"Touchpoints that fell most", r.Movers.Fallers}, {"Touchpoints that rose most", r.Movers.Risers}} {
		fmt.Fprintf(&b, "\n## %s (%d)\n\n", sec.title, len(sec.list))
		if len(sec.list) == 0 {
			fmt.Fprintf(&b, "None with at least %d responses of a metric in both periods.\n", MoverMinResponses)
		}
		for _, t := range sec.list {
			mark := ""
			if t.BeyondMargin {
				mark = ", larger than the margin"
			}
			fmt.Fprintf(&b, "- %s / %s: %s %.1f → %.1f (%+.1f ± %.1f%s; %d → %d responses)\n", cell(t.Journey), cell(t.Name), strings.ToUpper(t.Metric),
				t.Previous, t.Current, t.Change, t.Margin, mark, t.PreviousCount, t.CurrentCount)
		}
	}
	fmt.Fprintf(&b, "\n## Open follow-ups at the end: %d\n\n", r.FollowUps)
	fmt.Fprintf(&b, "## Crews formed (%d) and disbanded (%d)\n\n", len(r.Formed), len(r.Disbanded))
	for _, c := range r.Formed {
		fmt.Fprintf(&b, "- formed: %s (%s), %s\n", c.Name, c.Type, day(c.At))
	}
	for _, c := range r.Disbanded {
		fmt.Fprintf(&b, "- disbanded: %s (%s), %s%s\n", c.Name, c.Type, day(c.At), suffix(c.Reason))
	}
	b.WriteString("\n## Ambassador coverage\n\n| department | ambassadors |\n|---|---|\n")
	for _, c := range r.Coverage {
		who := strings.Join(c.Ambassadors, ", ")
		if who == "" {
			who = "**none**"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", cell(c.Department), cell(who))
	}
	b.WriteString("\n## KPIs against target\n\nA KPI computed from the feedback shows the period's figure in its scope, ± its 95% margin (responses); " +
		"one measured by hand, its last measurement by the period's end.\n\n| KPI | metric | source | value | target | direction | met |\n|---|---|---|---|---|---|---|\n")
	for _, k := range r.KPIs {
		met := "–"
		if k.Met != nil {
			met = strconv.FormatBool(*k.Met)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.1f | %s | %s |\n", cell(k.Name), k.Metric, k.Source,
			value(&KPIValue{Value: k.Value, Count: k.Count, Margin: k.Margin}), k.Target, k.Direction, met)
	}
	fmt.Fprintf(&b, "\n## Log digest\n\nAt seq %d: `%s`. Check it with `cxtracker verify --digest %d:%s`.\n", r.Digest.Seq, r.Digest.Digest, r.Digest.Seq, r.Digest.Digest)
	_, err := io.WriteString(w, b.String())
	return err
}

// figure shows a metric's previous and current values, the current's
// margin and the change, starred when larger than its margin.
func figure(previous, current, margin, change *float64, beyond bool) string {
	out := num(previous) + " → " + num(current)
	if margin != nil {
		out += " ±" + num(margin)
	}
	if change != nil {
		out += " (" + signed(change)
		if beyond {
			out += "*"
		}
		out += ")"
	}
	return out
}

func suffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

// cell keeps a text from breaking a Markdown table.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ").Replace(s)
}

// WriteCSV writes the report as one table of rows: section, item, name,
// field, value; a spreadsheet pivots it as it needs.
func (r *CouncilReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := func(cells ...string) { _ = cw.Write(cells) }
	row("section", "id", "name", "field", "value")
	row("period", "", "", "from", r.From.UTC().Format(time.RFC3339))
	row("period", "", "", "to", r.To.UTC().Format(time.RFC3339))
	row("period", "", "", "known_at", r.KnownAt.UTC().Format(time.RFC3339Nano))
	row("digest", strconv.FormatUint(r.Digest.Seq, 10), "", "digest", r.Digest.Digest)
	// Every list below is a slice, not a map, so that the rows come in the
	// same order on every run: the report of one log is one file.
	for _, d := range r.Decisions {
		for _, f := range []struct{ name, value string }{{"outcome", d.Outcome}, {"rationale", d.Rationale},
			{"approve", strconv.Itoa(d.Tally.Approve)}, {"reject", strconv.Itoa(d.Tally.Reject)}, {"abstain", strconv.Itoa(d.Tally.Abstain)},
			{"voted", strconv.Itoa(d.Tally.Voted)}, {"seats", strconv.Itoa(d.Tally.Seats)}, {"quorum", strconv.FormatBool(d.Quorum)},
			{"chair_decision", strconv.FormatBool(d.ChairDecision)}} {
			row("decision", d.InitiativeID, d.Title, f.name, f.value)
		}
	}
	r.impactCSV(row)
	for _, sec := range []struct {
		name string
		list []ReportInitiative
	}{{"initiative_started", r.Started}, {"initiative_completed", r.Completed}, {"initiative_cancelled", r.Cancelled}} {
		for _, in := range sec.list {
			row(sec.name, in.InitiativeID, in.Title, "at", in.At.UTC().Format(time.RFC3339))
			if in.Note != "" {
				row(sec.name, in.InitiativeID, in.Title, "note", in.Note)
			}
		}
	}
	for _, st := range r.Stages {
		p, c, ch := st.Previous, st.Current, st.Change
		for _, f := range []struct {
			name  string
			value *float64
		}{{"nps_previous", p.NPS}, {"nps", c.NPS}, {"nps_margin", c.Margin.NPS}, {"nps_change", ch.NPS}, {"nps_change_margin", ch.Margin.NPS},
			{"csat_previous", p.CSAT}, {"csat", c.CSAT}, {"csat_margin", c.Margin.CSAT}, {"csat_change", ch.CSAT}, {"csat_change_margin", ch.Margin.CSAT},
			{"ces_previous", p.CES}, {"ces", c.CES}, {"ces_margin", c.Margin.CES}, {"ces_change", ch.CES}, {"ces_change_margin", ch.Margin.CES}} {
			if f.value != nil {
				row("stage", st.ID, st.Name, f.name, strconv.FormatFloat(*f.value, 'f', -1, 64))
			}
		}
		row("stage", st.ID, st.Name, "responses_previous", strconv.Itoa(p.Count))
		row("stage", st.ID, st.Name, "responses", strconv.Itoa(c.Count))
	}
	for _, sec := range []struct {
		name string
		list []Mover
	}{{"touchpoint_faller", r.Movers.Fallers}, {"touchpoint_riser", r.Movers.Risers}} {
		for _, t := range sec.list {
			for _, f := range []struct{ name, value string }{{"previous", strconv.FormatFloat(t.Previous, 'f', -1, 64)},
				{"current", strconv.FormatFloat(t.Current, 'f', -1, 64)}, {"change", strconv.FormatFloat(t.Change, 'f', -1, 64)},
				{"margin", strconv.FormatFloat(t.Margin, 'f', -1, 64)}, {"beyond_margin", strconv.FormatBool(t.BeyondMargin)},
				{"previous_count", strconv.Itoa(t.PreviousCount)}, {"current_count", strconv.Itoa(t.CurrentCount)}} {
				row(sec.name, t.TouchpointID, t.Name, t.Metric+"_"+f.name, f.value)
			}
		}
	}
	row("follow_ups", "", "", "open", strconv.Itoa(r.FollowUps))
	for _, c := range r.Formed {
		row("crew_formed", c.CrewID, c.Name, "type", c.Type)
	}
	for _, c := range r.Disbanded {
		row("crew_disbanded", c.CrewID, c.Name, "reason", c.Reason)
	}
	for _, c := range r.Coverage {
		row("ambassador_coverage", "", c.Department, "ambassadors", strings.Join(c.Ambassadors, "; "))
	}
	for _, k := range r.KPIs {
		row("kpi", k.KPIID, k.Name, "target", strconv.FormatFloat(k.Target, 'f', -1, 64))
		row("kpi", k.KPIID, k.Name, "source", k.Source)
		if k.Value != nil {
			row("kpi", k.KPIID, k.Name, "value", strconv.FormatFloat(*k.Value, 'f', -1, 64))
			if k.Source == KPISourceFeedback {
				row("kpi", k.KPIID, k.Name, "count", strconv.Itoa(k.Count))
			}
			if k.Margin != nil {
				row("kpi", k.KPIID, k.Name, "margin", strconv.FormatFloat(*k.Margin, 'f', -1, 64))
			}
			row("kpi", k.KPIID, k.Name, "met", strconv.FormatBool(*k.Met))
		}
	}
	cw.Flush()
	return cw.Error()
}
