package main

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"cxtracker/projections"
)

// demoQuarters are the four quarters of the council's year that ends at
// now.
func demoQuarters(now time.Time) [4][2]time.Time {
	var q [4][2]time.Time
	for i := range q {
		q[i] = [2]time.Time{now.AddDate(0, 3*i-12, 0), now.AddDate(0, 3*i-9, 0)}
	}
	return q
}

// demoMoverPeriods are the periods the movers of the council's quarters
// compare: the one before the first quarter, as the movers take it (the
// baseline quarter), and the four quarters.
func demoMoverPeriods(now time.Time) [5][2]time.Time {
	q := demoQuarters(now)
	return [5][2]time.Time{{projections.PreviousPeriod(q[0][0], q[0][1]), q[0][0]}, q[0], q[1], q[2], q[3]}
}

// demoCounts are the responses of each metric in one period, by
// touchpoint (index in demoTouchpoints) and by stage.
type demoCounts struct {
	touchpoints map[int]map[string]int
	stages      map[string]map[string]int
}

// countsIn counts the responses of each metric among items in [from, to).
func countsIn(items []demoItem, from, to time.Time) demoCounts {
	c := demoCounts{touchpoints: map[int]map[string]int{}, stages: map[string]map[string]int{}}
	for _, it := range items {
		if it.at.Before(from) || !it.at.Before(to) {
			continue
		}
		st := demoTouchpoints[it.tp].stage
		if c.touchpoints[it.tp] == nil {
			c.touchpoints[it.tp] = map[string]int{}
		}
		if c.stages[st] == nil {
			c.stages[st] = map[string]int{}
		}
		c.touchpoints[it.tp][it.metric]++
		c.stages[st][it.metric]++
	}
	return c
}

// mainMetric is the metric asked most at a touchpoint.
func mainMetric(tp demoTouchpoint) string {
	return demoMetrics[slices.Index(tp.metrics[:], slices.Max(tp.metrics[:]))]
}

// tooFew lists, for one period, the touchpoints (of only, or all when
// only is empty) with fewer than MoverMinResponses responses of their
// main metric, and their stages with fewer of any metric asked there; it
// answers too the fewest at a touchpoint's main metric, for the log.
func (c demoCounts) tooFew(only ...int) (short []string, least string) {
	fewest := 1 << 30
	asked := map[string]map[string]bool{} // stage -> metrics asked there
	for i, tp := range demoTouchpoints {
		if len(only) > 0 && !slices.Contains(only, i) {
			continue
		}
		if asked[tp.stage] == nil {
			asked[tp.stage] = map[string]bool{}
		}
		for k, w := range tp.metrics {
			asked[tp.stage][demoMetrics[k]] = asked[tp.stage][demoMetrics[k]] || w > 0
		}
		m := mainMetric(tp)
		n := c.touchpoints[i][m]
		if n < fewest {
			fewest, least = n, fmt.Sprintf("%s %s %d", tp.key, m, n)
		}
		if n < projections.MoverMinResponses {
			short = append(short, fmt.Sprintf("touchpoint %s: %d %s", tp.key, n, m))
		}
	}
	for st, metrics := range asked {
		for m, ok := range metrics {
			if n := c.stages[st][m]; ok && n < projections.MoverMinResponses {
				short = append(short, fmt.Sprintf("stage %s: %d %s", st, n, m))
			}
		}
	}
	slices.Sort(short)
	return short, least
}

// The default load gives the baseline quarter and every quarter of the
// council's year enough feedback for movers (30 responses in both
// periods): each stage has 30 of every metric asked there, and each
// touchpoint 30 of the metric asked most there.
func TestDemoDefaultFeedbackIsEnoughForMoversEveryQuarter(t *testing.T) {
	now := time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)
	items := generator(1, now).generateFeedback(30_000)
	for p, period := range demoMoverPeriods(now) {
		c := countsIn(items, period[0], period[1])
		short, least := c.tooFew()
		if len(short) > 0 {
			t.Errorf("period %d (%s): fewer responses than movers need: %v", p, period[0].Format(time.DateOnly), short)
		}
		t.Logf("period %d (%s): the fewest at a touchpoint's main metric: %s; stages %v", p, period[0].Format(time.DateOnly), least, c.stages)
	}
}

// The history test's smaller load has movers in every quarter of the
// council's year, the first one too: the busiest touchpoint (the hotline)
// and its stage have 30 responses of every metric they compare in the
// baseline quarter and in each quarter.
func TestDemoHistoryFeedbackIsEnoughForMoversEveryQuarter(t *testing.T) {
	now := mustTime(demoAt).UTC().Truncate(24 * time.Hour)
	n, _ := strconv.Atoi(demoHistoryFeedback)
	items := generator(demoHistorySeed, now).generateFeedback(n)
	busiest := 0
	for i, tp := range demoTouchpoints {
		if tp.volume > demoTouchpoints[busiest].volume {
			busiest = i
		}
	}
	for p, period := range demoMoverPeriods(now) {
		c := countsIn(items, period[0], period[1])
		if short, _ := c.tooFew(busiest); len(short) > 0 {
			t.Errorf("period %d (%s): fewer responses than movers need: %v", p, period[0].Format(time.DateOnly), short)
		}
		t.Logf("period %d (%s): %s %v, stage %v", p, period[0].Format(time.DateOnly),
			demoTouchpoints[busiest].key, c.touchpoints[busiest], c.stages[demoTouchpoints[busiest].stage])
	}
}
