package projections

import (
	"cmp"
	"math"
	"slices"
	"time"

	"cxtracker/events"
)

// FeedbackFilter selects feedback items; a zero field selects every item.
type FeedbackFilter struct {
	JourneyID string
	// StageID keeps the items logged at the stage's touchpoints.
	StageID      string
	TouchpointID string
	Metric       string
	// From and To bound occurred_at: From included, To excluded.
	From, To time.Time
	// FollowUp is FollowUpNone, FollowUpOpen, FollowUpClosed, FollowUpDue,
	// FollowUpOverdue or FollowUpEscalated.
	FollowUp string
	// AccountID keeps the items that name the account.
	AccountID string
	// Now is when due and overdue are judged.
	Now time.Time
}

// List is, in id order, up to limit items that match f and whose ids come
// after the id after (none: from the first), and whether more match after
// them; nothing when the item store cannot be read (Items answers why).
func (m *Feedback) List(f FeedbackFilter, after string, limit int) ([]FeedbackItem, bool) {
	items, more, err := m.Items(f, after, limit)
	if err != nil {
		return []FeedbackItem{}, false
	}
	return items, more
}

// Items is List, with the item store's failure. The items are read from
// the item store, through the index that makes the page cheapest (see
// plan), so a page costs about as much as the items it returns, not the
// whole list.
func (m *Feedback) Items(f FeedbackFilter, after string, limit int) ([]FeedbackItem, bool, error) {
	if m.store == nil {
		return nil, false, m.Err()
	}
	m.settle()
	return m.store.page(m.plan(f, after, limit))
}

// plan picks how the store finds a page. A list of one touchpoint reads
// the touchpoint's indexes; one of a journey or a metric, the journey and
// metric indexes of each scope it covers, merged. For each scope it picks
// the id-ordered index, which passes over the items outside the period
// (about fetch × all / in-period of them), or the time-ordered one, which
// reads the whole period and sorts its ids (about in-period of them): the
// time-ordered one when in-period² < fetch × all. The counts are estimated
// from the weekly aggregates.
func (m *Feedback) plan(f FeedbackFilter, after string, limit int) itemQuery {
	q := itemQuery{f: f, after: after, fetch: limit + 1}
	if limit >= math.MaxInt-1 {
		q.fetch = math.MaxInt
	}
	if f.AccountID != "" || f.FollowUp != "" && f.FollowUp != FollowUpNone ||
		f.TouchpointID == "" && f.JourneyID == "" && f.StageID == "" && f.Metric == "" && f.From.IsZero() && f.To.IsZero() {
		return q
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if f.TouchpointID != "" {
		q.byTime = m.shortPeriod(f, func(tp string) bool { return tp == f.TouchpointID }, f.Metric, q.fetch)
		return q
	}
	journeys := []string{f.JourneyID}
	if f.JourneyID == "" && f.StageID != "" {
		// A stage is in one journey: its touchpoints say which ("" when
		// it has none, whose items are none of the stage's).
		journeys = []string{""}
		for _, p := range m.places {
			if p.stageID == f.StageID {
				journeys = []string{p.journeyID}
				break
			}
		}
	} else if f.JourneyID == "" {
		// Items logged at a touchpoint not (yet) mapped have no journey.
		journeys = []string{""}
		for _, p := range m.places {
			if !slices.Contains(journeys, p.journeyID) {
				journeys = append(journeys, p.journeyID)
			}
		}
		slices.Sort(journeys)
	}
	metrics := events.Metrics
	if f.Metric != "" {
		metrics = []string{f.Metric}
	}
	for _, j := range journeys {
		for _, metric := range metrics {
			in := func(tp string) bool {
				p, ok := m.places[tp]
				return ok && p.journeyID == j && (f.StageID == "" || p.stageID == f.StageID)
			}
			q.scopes = append(q.scopes, itemScope{journeyID: j, metric: metric, byTime: j != "" && m.shortPeriod(f, in, metric, q.fetch)})
		}
	}
	return q
}

// shortPeriod reports whether f's period holds so few of the items of the
// touchpoints in scope (of metric, or all) that reading the period costs
// less than passing over the items outside it (see plan).
func (m *Feedback) shortPeriod(f FeedbackFilter, inScope func(tp string) bool, metric string, fetch int) bool {
	if f.From.IsZero() && f.To.IsZero() {
		return false
	}
	var all, period int
	m.counts.Lock()
	defer m.counts.Unlock()
	for start, row := range m.weeks {
		end := start.AddDate(0, 0, 7)
		overlaps := (f.From.IsZero() || end.After(f.From)) && (f.To.IsZero() || start.Before(f.To))
		for tp, s := range row {
			if !inScope(tp) {
				continue
			}
			n := summaryCount(onlyMetric(*s, metric))
			all += n
			if overlaps {
				period += n
			}
		}
	}
	return float64(period)*float64(period) < float64(fetch)*float64(all)
}

// Periods and groupings of trends.
const (
	PeriodWeek        = "week"
	PeriodMonth       = "month"
	TrendByStage      = "stage"
	TrendByTouchpoint = "touchpoint"
)

// TrendQuery selects a trend: the periods that overlap [From, To) (a zero
// bound is open), grouped by stage or by touchpoint, of one journey and one
// metric or all.
type TrendQuery struct {
	Period    string
	By        string
	JourneyID string
	Metric    string
	From, To  time.Time
	// Segment, when set, keeps only that segment's feedback: read from the
	// daily cells, which count an id the log holds twice (which the write
	// side refuses) twice.
	Segment string
}

// TrendPeriod is one week (from Monday, ISO 8601) or calendar month, in UTC,
// with the figures of each stage or touchpoint that had feedback in it.
type TrendPeriod struct {
	// Period is the week's Monday (2025-03-10) or the month (2025-03).
	Period string       `json:"period"`
	From   time.Time    `json:"from"`
	To     time.Time    `json:"to"`
	Groups []TrendGroup `json:"groups"`
}

// TrendGroup is the figures of one stage, or one touchpoint, in a period.
type TrendGroup struct {
	JourneyID    string `json:"journey_id"`
	StageID      string `json:"stage_id"`
	TouchpointID string `json:"touchpoint_id,omitempty"`
	Count        int    `json:"count"`
	Metrics
}

// periodTable is a running Summary per period start and touchpoint.
type periodTable map[time.Time]map[string]*events.Summary

func (t periodTable) add(start time.Time, touchpointID, metric string, score int) {
	row := t[start]
	if row == nil {
		row = map[string]*events.Summary{}
		t[start] = row
	}
	s := row[touchpointID]
	if s == nil {
		s = &events.Summary{}
		row[touchpointID] = s
	}
	_ = s.Add(metric, score) // A score off its scale was never logged.
}

// isoWeekStart is the Monday, in UTC, that starts t's ISO week.
func isoWeekStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// monthStart is the first of t's month, in UTC.
func monthStart(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// Trends is the figures per period and per stage or touchpoint, oldest
// period first; groups are ordered by journey, stage and touchpoint id, and
// periods and groups without feedback are left out. It merges the running
// aggregates, never the items.
func (m *Feedback) Trends(q TrendQuery) []TrendPeriod {
	m.settle()
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.counts.Lock()
	defer m.counts.Unlock()
	table, next, layout := m.months, func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }, "2006-01"
	if q.Period == PeriodWeek {
		table, next, layout = m.weeks, func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }, "2006-01-02"
	}
	if q.Segment != "" {
		table = m.segmentTable(q.Segment, isoWeekStart)
		if q.Period != PeriodWeek {
			table = m.segmentTable(q.Segment, monthStart)
		}
	}
	starts := make([]time.Time, 0, len(table))
	for start := range table {
		starts = append(starts, start)
	}
	slices.SortFunc(starts, time.Time.Compare)
	out := []TrendPeriod{}
	for _, start := range starts {
		end := next(start)
		if (!q.From.IsZero() && !end.After(q.From)) || (!q.To.IsZero() && !start.Before(q.To)) {
			continue
		}
		if groups := m.trendGroups(table[start], q); len(groups) > 0 {
			out = append(out, TrendPeriod{Period: start.Format(layout), From: start, To: end, Groups: groups})
		}
	}
	return out
}

// segmentTable is the running summaries of segment's feedback per period
// (whose start start gives) and touchpoint, summed from the daily cells.
func (m *Feedback) segmentTable(segment string, start func(time.Time) time.Time) periodTable {
	t := periodTable{}
	for k, s := range m.days {
		if k.segment != segment {
			continue
		}
		st := start(time.Unix(int64(k.occurred)*daySeconds, 0).UTC())
		if t[st] == nil {
			t[st] = map[string]*events.Summary{}
		}
		if t[st][k.touchpointID] == nil {
			t[st][k.touchpointID] = &events.Summary{}
		}
		t[st][k.touchpointID].Merge(s)
	}
	return t
}

// trendGroups merges one period's touchpoint summaries into the query's
// groups.
func (m *Feedback) trendGroups(row map[string]*events.Summary, q TrendQuery) []TrendGroup {
	type group struct {
		TrendGroup
		sum events.Summary
	}
	byKey := map[string]*group{}
	for tp, s := range row {
		place := m.places[tp]
		sum := onlyMetric(*s, q.Metric)
		if (q.JourneyID != "" && place.journeyID != q.JourneyID) || summaryCount(sum) == 0 {
			continue
		}
		g := TrendGroup{JourneyID: place.journeyID, StageID: place.stageID}
		if q.By == TrendByTouchpoint {
			g.TouchpointID = tp
		}
		key := g.StageID + "/" + g.TouchpointID
		if byKey[key] == nil {
			byKey[key] = &group{TrendGroup: g}
		}
		byKey[key].sum.Merge(sum)
	}
	out := make([]TrendGroup, 0, len(byKey))
	for _, g := range byKey {
		g.Count, g.Metrics = summaryCount(g.sum), MetricsOf(g.sum)
		out = append(out, g.TrendGroup)
	}
	slices.SortFunc(out, func(a, b TrendGroup) int {
		return cmp.Or(cmp.Compare(a.JourneyID, b.JourneyID), cmp.Compare(a.StageID, b.StageID), cmp.Compare(a.TouchpointID, b.TouchpointID))
	})
	return out
}

// onlyMetric is the part of s about metric, or all of s when metric is "".
func onlyMetric(s events.Summary, metric string) events.Summary {
	switch metric {
	case events.MetricNPS:
		return events.Summary{NPSCount: s.NPSCount, Promoters: s.Promoters, Detractors: s.Detractors}
	case events.MetricCSAT:
		return events.Summary{CSATCount: s.CSATCount, Satisfied: s.Satisfied, CSATSum: s.CSATSum}
	case events.MetricCES:
		return events.Summary{CESCount: s.CESCount, CESSum: s.CESSum, CESSquares: s.CESSquares}
	}
	return s
}
