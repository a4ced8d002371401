package projections

import (
	"cmp"
	"slices"
	"time"

	"cxtracker/events"
)

// MoverMinResponses is how many responses of a metric a stage or
// touchpoint needs in each of the two periods to be a mover: fewer, and
// its change says more about chance than about the customer.
const MoverMinResponses = 30

// Movers are the stages or touchpoints whose figures fell or rose between
// a period and the one before it (see PreviousPeriod).
type Movers struct {
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	PreviousFrom time.Time `json:"previous_from"`
	// By is "stage" or "touchpoint".
	By           string  `json:"by"`
	Segment      string  `json:"segment,omitempty"`
	MinResponses int     `json:"min_responses"`
	Fallers      []Mover `json:"fallers"`
	Risers       []Mover `json:"risers"`
}

// Mover is one metric of one stage or touchpoint that changed. Change is
// current minus previous (for CES a rise is worse: lower is better);
// Margin is the margin of that difference, and BeyondMargin says the
// change is larger than it.
type Mover struct {
	JourneyID     string  `json:"journey_id"`
	Journey       string  `json:"journey,omitempty"`
	StageID       string  `json:"stage_id"`
	TouchpointID  string  `json:"touchpoint_id,omitempty"`
	Name          string  `json:"name,omitempty"`
	Metric        string  `json:"metric"`
	Previous      float64 `json:"previous"`
	Current       float64 `json:"current"`
	PreviousCount int     `json:"previous_count"`
	CurrentCount  int     `json:"current_count"`
	Change        float64 `json:"change"`
	Margin        float64 `json:"margin"`
	BeyondMargin  bool    `json:"beyond_margin"`
}

// moverPlace is a stage or touchpoint the movers compare, with its two
// periods' summaries.
type moverPlace struct {
	Mover
	current, previous events.Summary
}

// moversOf lists the fallers and risers among places: each metric with at
// least MoverMinResponses responses in both periods whose figure changed,
// fallers the worst first and risers the best first, by metric (NPS, CSAT,
// CES) and then by the size of the change.
func moversOf(places []moverPlace) (fallers, risers []Mover) {
	fallers, risers = []Mover{}, []Mover{}
	for _, p := range places {
		f := PeriodFiguresOf(time.Time{}, time.Time{}, p.current, p.previous)
		for _, m := range []struct {
			metric           string
			cur, prev, delta *float64
			margin           *float64
			beyond           bool
			lowerBetter      bool
		}{
			{events.MetricNPS, f.Current.NPS, f.Previous.NPS, f.Change.NPS, f.Change.Margin.NPS, f.Change.NPSBeyondMargin, false},
			{events.MetricCSAT, f.Current.CSAT, f.Previous.CSAT, f.Change.CSAT, f.Change.Margin.CSAT, f.Change.CSATBeyondMargin, false},
			{events.MetricCES, f.Current.CES, f.Previous.CES, f.Change.CES, f.Change.Margin.CES, f.Change.CESBeyondMargin, true},
		} {
			if m.delta == nil || *m.delta == 0 || p.current.Count(m.metric) < MoverMinResponses || p.previous.Count(m.metric) < MoverMinResponses {
				continue
			}
			mv := p.Mover
			mv.Metric, mv.Current, mv.Previous, mv.Change, mv.BeyondMargin = m.metric, *m.cur, *m.prev, *m.delta, m.beyond
			mv.CurrentCount, mv.PreviousCount = p.current.Count(m.metric), p.previous.Count(m.metric)
			if m.margin != nil {
				mv.Margin = *m.margin
			}
			if (*m.delta < 0) != m.lowerBetter {
				fallers = append(fallers, mv)
			} else {
				risers = append(risers, mv)
			}
		}
	}
	order := func(a, b Mover) int {
		abs := func(v float64) float64 { return max(v, -v) }
		return cmp.Or(cmp.Compare(slices.Index(events.Metrics, a.Metric), slices.Index(events.Metrics, b.Metric)),
			-cmp.Compare(abs(a.Change), abs(b.Change)),
			cmp.Compare(a.JourneyID, b.JourneyID), cmp.Compare(a.StageID, b.StageID), cmp.Compare(a.TouchpointID, b.TouchpointID))
	}
	slices.SortFunc(fallers, order)
	slices.SortFunc(risers, order)
	return fallers, risers
}

// Movers compares [from, to) with the period before it, by stage or by
// touchpoint (TrendByStage, TrendByTouchpoint), of one segment or all.
// Names are the caller's to add (see Mover).
func (m *Feedback) Movers(from, to time.Time, by, segment string) (Movers, error) {
	cur, prev, places, err := m.periodPair(from, to, time.Time{}, segment)
	if err != nil {
		return Movers{}, err
	}
	byKey := map[string]*moverPlace{}
	for tp, place := range places {
		mv := Mover{JourneyID: place.journeyID, StageID: place.stageID}
		key := place.journeyID + "/" + place.stageID
		if by == TrendByTouchpoint {
			mv.TouchpointID, key = tp, tp
		}
		p := byKey[key]
		if p == nil {
			p = &moverPlace{Mover: mv}
			byKey[key] = p
		}
		p.current.Merge(cur[tp])
		p.previous.Merge(prev[tp])
	}
	list := make([]moverPlace, 0, len(byKey))
	for _, p := range byKey {
		list = append(list, *p)
	}
	out := Movers{From: from.UTC(), To: to.UTC(), PreviousFrom: PreviousPeriod(from, to), By: by, Segment: segment, MinResponses: MoverMinResponses}
	out.Fallers, out.Risers = moversOf(list)
	return out, nil
}
