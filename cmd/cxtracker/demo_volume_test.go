package main

import (
	"slices"
	"testing"
	"time"
)

// demoQuarters are the four quarters of the demo's year that ends at now.
func demoQuarters(now time.Time) [4][2]time.Time {
	var q [4][2]time.Time
	for i := range q {
		q[i] = [2]time.Time{now.AddDate(0, 3*i-12, 0), now.AddDate(0, 3*i-9, 0)}
	}
	return q
}

// quarterCounts counts the responses of each metric at each touchpoint
// (by index) in each quarter of the year.
func quarterCounts(items []demoItem, now time.Time) [4]map[int]map[string]int {
	var out [4]map[int]map[string]int
	for i, q := range demoQuarters(now) {
		out[i] = map[int]map[string]int{}
		for _, it := range items {
			if it.at.Before(q[0]) || !it.at.Before(q[1]) {
				continue
			}
			if out[i][it.tp] == nil {
				out[i][it.tp] = map[string]int{}
			}
			out[i][it.tp][it.metric]++
		}
	}
	return out
}

// The default load gives every quarter enough feedback for movers (30
// responses in both periods): each stage has 30 of every metric asked
// there, and each touchpoint 30 of the metric asked most there.
func TestDemoDefaultFeedbackIsEnoughForMoversEveryQuarter(t *testing.T) {
	now := time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)
	counts := quarterCounts(generator(1, now).generateFeedback(30_000), now)
	for q, byTP := range counts {
		stages := map[string]map[string]int{}
		least, where := 1<<30, ""
		for i, tp := range demoTouchpoints {
			if stages[tp.stage] == nil {
				stages[tp.stage] = map[string]int{}
			}
			top := slices.Index(tp.metrics[:], slices.Max(tp.metrics[:]))
			if n := byTP[i][demoMetrics[top]]; n < least {
				least, where = n, tp.key+" "+demoMetrics[top]
			}
			for m, n := range byTP[i] {
				stages[tp.stage][m] += n
			}
		}
		if least < 30 {
			t.Errorf("quarter %d: %s has %d responses, fewer than movers need", q+1, where, least)
		}
		for st, ms := range stages {
			for m, n := range ms {
				if n < 30 {
					t.Errorf("quarter %d: stage %s has %d %s responses", q+1, st, n, m)
				}
			}
		}
		t.Logf("quarter %d: the fewest at a touchpoint's main metric: %d (%s); stages %v", q+1, least, where, stages)
	}
}
