package projections

import (
	"math"
	"time"

	"cxtracker/events"
)

// Period figures: the scores of a stage, a touchpoint or any scope over one
// period of business time (only the feedback that occurred in it), beside
// the period of the same length before it, each metric with its 95% margin
// of error. The API's journey map, the movers, the council report and the
// dashboard all take their figures from here.

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.96

// Figures are one period's scores, with their counts and margins.
type Figures struct {
	Count int `json:"count"`
	Metrics
	Margin Margins `json:"margin"`
}

// Margins are the 95% margins of error of a period's metrics, in the
// metric's own unit (NPS points, CSAT percentage points, CES score), null
// where the metric has too few responses to have one.
type Margins struct {
	NPS  *float64 `json:"nps"`
	CSAT *float64 `json:"csat"`
	CES  *float64 `json:"ces"`
}

// PeriodFigures are a period's figures beside those of the period before
// it (see PreviousPeriod), and the change between them.
type PeriodFigures struct {
	From         time.Time    `json:"from"`
	To           time.Time    `json:"to"`
	PreviousFrom time.Time    `json:"previous_from"`
	Current      Figures      `json:"current"`
	Previous     Figures      `json:"previous"`
	Change       FigureChange `json:"change"`
}

// FigureChange is current minus previous for each metric both periods have,
// the margin of that difference (the root of the sum of the two margins'
// squares), and whether the change is larger than its margin.
type FigureChange struct {
	NPS              *float64 `json:"nps"`
	CSAT             *float64 `json:"csat"`
	CES              *float64 `json:"ces"`
	Margin           Margins  `json:"margin"`
	NPSBeyondMargin  bool     `json:"nps_beyond_margin"`
	CSATBeyondMargin bool     `json:"csat_beyond_margin"`
	CESBeyondMargin  bool     `json:"ces_beyond_margin"`
}

// FiguresOf shows a summary of one period's scores with its margins.
func FiguresOf(s events.Summary) Figures {
	return Figures{Count: summaryCount(s), Metrics: MetricsOf(s),
		Margin: Margins{NPS: npsMargin(s), CSAT: csatMargin(s), CES: cesMargin(s)}}
}

// PeriodFiguresOf compares the summaries of [from, to) and of the period
// before it.
func PeriodFiguresOf(from, to time.Time, current, previous events.Summary) PeriodFigures {
	c, p := FiguresOf(current), FiguresOf(previous)
	return PeriodFigures{From: from, To: to, PreviousFrom: PreviousPeriod(from, to), Current: c, Previous: p, Change: ChangeOf(p, c)}
}

// ChangeOf is the change from the figures p to the figures c, with its
// margins and whether each is larger than its margin.
func ChangeOf(p, c Figures) FigureChange {
	ch := FigureChange{NPS: change(p.NPS, c.NPS), CSAT: change(p.CSAT, c.CSAT), CES: change(p.CES, c.CES),
		Margin: Margins{NPS: diffMargin(c.Margin.NPS, p.Margin.NPS), CSAT: diffMargin(c.Margin.CSAT, p.Margin.CSAT), CES: diffMargin(c.Margin.CES, p.Margin.CES)}}
	ch.NPSBeyondMargin = beyond(ch.NPS, ch.Margin.NPS)
	ch.CSATBeyondMargin = beyond(ch.CSAT, ch.Margin.CSAT)
	ch.CESBeyondMargin = beyond(ch.CES, ch.Margin.CES)
	return ch
}

// PreviousPeriod is the start of the period of the same length that ends
// where [from, to) starts: as many calendar months back when the period is
// whole months (from and to the first of a month at midnight UTC), so that
// a quarter is compared with the quarter before; otherwise the same
// duration back.
func PreviousPeriod(from, to time.Time) time.Time {
	from, to = from.UTC(), to.UTC()
	if isMonthStart(from) && isMonthStart(to) {
		months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
		return from.AddDate(0, -months, 0)
	}
	return from.Add(-to.Sub(from))
}

func isMonthStart(t time.Time) bool { return t.Equal(monthStart(t)) }

// npsMargin is the NPS's margin: the NPS is 100·(p − d) for the promoter
// and detractor shares p and d, and the variance of one response's
// +1/0/−1 is p + d − (p − d)², so the margin is 1.96·√((p + d − (p − d)²)/n)·100.
func npsMargin(s events.Summary) *float64 {
	if s.NPSCount == 0 {
		return nil
	}
	n := float64(s.NPSCount)
	p, d := float64(s.Promoters)/n, float64(s.Detractors)/n
	v := z95 * math.Sqrt((p+d-(p-d)*(p-d))/n) * 100
	return &v
}

// csatMargin is the satisfied share's margin: 1.96·√(p(1 − p)/n)·100.
func csatMargin(s events.Summary) *float64 {
	if s.CSATCount == 0 {
		return nil
	}
	n := float64(s.CSATCount)
	p := float64(s.Satisfied) / n
	v := z95 * math.Sqrt(p*(1-p)/n) * 100
	return &v
}

// cesMargin is the mean's margin: 1.96·s/√n, with s² the scores' sample
// variance (Σx² − (Σx)²/n)/(n − 1); none below two responses.
func cesMargin(s events.Summary) *float64 {
	if s.CESCount < 2 {
		return nil
	}
	n := float64(s.CESCount)
	sum := float64(s.CESSum)
	variance := max(0, (float64(s.CESSquares)-sum*sum/n)/(n-1))
	v := z95 * math.Sqrt(variance/n)
	return &v
}

// diffMargin is the margin of the difference of two independent periods'
// figures.
func diffMargin(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	v := math.Hypot(*a, *b)
	return &v
}

// beyond reports whether a change is larger than its margin.
func beyond(change, margin *float64) bool {
	return change != nil && margin != nil && math.Abs(*change) > *margin
}

// FigureScope selects the feedback a figure counts: of a journey, a stage,
// a touchpoint, a segment, or any mix; a zero field selects all.
type FigureScope struct {
	JourneyID, StageID, TouchpointID, Segment string
}

// Figures is the scope's figures for [from, to) of business time, counting
// only what the log recorded before knownAt (zero: all the model holds),
// read from the scope's touchpoints alone. KPIs computed from feedback
// read them per week and month.
func (m *Feedback) Figures(scope FigureScope, from, to, knownAt time.Time) (Figures, error) {
	sums, places, err := m.periodSumsOf(m.scopeTouchpoints(scope), from, to, knownAt, scope.Segment)
	if err != nil {
		return Figures{}, err
	}
	return FiguresOf(scopeSum(sums, places, scope)), nil
}

// Compare is the scope's figures for [from, to) beside the previous
// period's (see PreviousPeriod), cut by knownAt as Figures is.
func (m *Feedback) Compare(scope FigureScope, from, to, knownAt time.Time) (PeriodFigures, error) {
	cur, prev, places, err := m.periodPair(from, to, knownAt, scope.Segment)
	if err != nil {
		return PeriodFigures{}, err
	}
	return PeriodFiguresOf(from, to, scopeSum(cur, places, scope), scopeSum(prev, places, scope)), nil
}

// periodPair is PeriodSums of [from, to) and of the period before it.
func (m *Feedback) periodPair(from, to, knownAt time.Time, segment string) (cur, prev map[string]events.Summary, places map[string]feedbackPlace, err error) {
	cur, places, err = m.periodSums(from, to, knownAt, segment)
	if err == nil {
		prev, _, err = m.periodSums(PreviousPeriod(from, to), from, knownAt, segment)
	}
	return cur, prev, places, err
}

// scopeSum merges the touchpoint summaries in scope.
func scopeSum(sums map[string]events.Summary, places map[string]feedbackPlace, scope FigureScope) events.Summary {
	var out events.Summary
	for tp, s := range sums {
		p := places[tp]
		if (scope.JourneyID == "" || p.journeyID == scope.JourneyID) && (scope.StageID == "" || p.stageID == scope.StageID) &&
			(scope.TouchpointID == "" || tp == scope.TouchpointID) {
			out.Merge(s)
		}
	}
	return out
}

// WithPeriod is the journey map j with the period figures of [from, to)
// (of segment, or all when "") beside the previous period's on the
// journey, each stage and each touchpoint. A stage's figures are the merge
// of its touchpoints'.
func (m *Feedback) WithPeriod(j JourneyView, from, to time.Time, segment string) (JourneyView, error) {
	cur, prev, _, err := m.periodPair(from, to, time.Time{}, segment)
	if err != nil {
		return j, err
	}
	figures := func(c, p events.Summary) *PeriodFigures { f := PeriodFiguresOf(from, to, c, p); return &f }
	var jc, jp events.Summary
	stages := make([]StageView, len(j.Stages))
	for i, st := range j.Stages {
		var sc, sp events.Summary
		tps := make([]TouchpointView, len(st.Touchpoints))
		for k, tp := range st.Touchpoints {
			c, p := cur[tp.ID], prev[tp.ID]
			tp.Period = figures(c, p)
			tps[k] = tp
			sc.Merge(c)
			sp.Merge(p)
		}
		st.Touchpoints, st.Period = tps, figures(sc, sp)
		stages[i] = st
		jc.Merge(sc)
		jp.Merge(sp)
	}
	j.Stages, j.Period = stages, figures(jc, jp)
	return j, nil
}
