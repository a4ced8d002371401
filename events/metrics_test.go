package events

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

func summaryOf(t *testing.T, metric string, scores ...int) Summary {
	t.Helper()
	var s Summary
	for _, sc := range scores {
		if err := s.Add(metric, sc); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestNPS(t *testing.T) {
	for _, c := range []struct {
		scores []int
		want   float64
	}{
		{[]int{10, 9, 8, 7, 6, 0}, 0},
		{[]int{10, 10, 9, 3}, 50},
		{[]int{9, 9, 7}, 200.0 / 3},
		{[]int{0, 1, 2, 3, 4, 5, 6}, -100},
		{[]int{9, 10}, 100},
		{[]int{7, 8}, 0},
	} {
		got, ok := summaryOf(t, MetricNPS, c.scores...).NPS()
		if !ok || got != c.want {
			t.Errorf("NPS of %v = %v, %v; want %v", c.scores, got, ok, c.want)
		}
	}
	if _, ok := (Summary{}).NPS(); ok {
		t.Error("NPS of nothing should be unknown, not 0")
	}
}

func TestCSATAndCES(t *testing.T) {
	s := summaryOf(t, MetricCSAT, 5, 4, 3, 1)
	if got, ok := s.CSAT(); !ok || got != 50 {
		t.Errorf("CSAT = %v, want 50", got)
	}
	if got, ok := s.CSATMean(); !ok || got != 3.25 {
		t.Errorf("CSAT mean = %v, want 3.25", got)
	}
	c := summaryOf(t, MetricCES, 1, 7, 4, 2)
	if got, ok := c.CES(); !ok || got != 3.5 {
		t.Errorf("CES = %v, want 3.5", got)
	}
	if c.Count(MetricCES) != 4 || c.Count(MetricNPS) != 0 {
		t.Errorf("counts %v", c)
	}
	for _, f := range []func() (float64, bool){Summary{}.CSAT, Summary{}.CSATMean, Summary{}.CES} {
		if _, ok := f(); ok {
			t.Error("a metric of nothing should be unknown")
		}
	}
}

func TestScoresOffTheScaleCountForNothing(t *testing.T) {
	var s Summary
	for _, c := range []struct {
		metric string
		score  int
	}{{MetricNPS, -1}, {MetricNPS, 11}, {MetricCSAT, 0}, {MetricCSAT, 6}, {MetricCES, 0}, {MetricCES, 8}, {"ltv", 1}} {
		if err := s.Add(c.metric, c.score); ErrorCode(err) != CodeInvalid {
			t.Errorf("%s %d: got %v, want an invalid error", c.metric, c.score, err)
		}
	}
	if s != (Summary{}) {
		t.Errorf("rejected scores were counted: %v", s)
	}
}

// TestSummaryMatchesTheFormulas checks the accumulator against the formulas
// Summary's methods state, computed directly from the list of scores, and
// merging against adding.
func TestSummaryMatchesTheFormulas(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nps := rapid.SliceOf(rapid.IntRange(0, 10)).Draw(t, "nps")
		csat := rapid.SliceOf(rapid.IntRange(1, 5)).Draw(t, "csat")
		ces := rapid.SliceOf(rapid.IntRange(1, 7)).Draw(t, "ces")
		split := rapid.IntRange(0, len(nps)).Draw(t, "split")
		var all, a, b Summary
		for i, x := range nps {
			_ = all.Add(MetricNPS, x)
			if i < split {
				_ = a.Add(MetricNPS, x)
			} else {
				_ = b.Add(MetricNPS, x)
			}
		}
		for _, x := range csat {
			_ = all.Add(MetricCSAT, x)
			_ = b.Add(MetricCSAT, x)
		}
		for _, x := range ces {
			_ = all.Add(MetricCES, x)
			_ = a.Add(MetricCES, x)
		}
		a.Merge(b)
		if a != all {
			t.Fatalf("merged %v, added %v", a, all)
		}
		if len(nps) > 0 {
			var pro, det float64
			for _, x := range nps {
				if x >= 9 {
					pro++
				}
				if x <= 6 {
					det++
				}
			}
			want := pro/float64(len(nps))*100 - det/float64(len(nps))*100
			if got, _ := all.NPS(); math.Abs(got-want) > 1e-9 || got < -100 || got > 100 {
				t.Fatalf("NPS %v, want %v", got, want)
			}
		}
		if len(csat) > 0 {
			sat, sum := 0, 0
			for _, x := range csat {
				sum += x
				if x >= 4 {
					sat++
				}
			}
			if got, _ := all.CSAT(); math.Abs(got-100*float64(sat)/float64(len(csat))) > 1e-9 {
				t.Fatalf("CSAT %v", got)
			}
			if got, _ := all.CSATMean(); math.Abs(got-float64(sum)/float64(len(csat))) > 1e-9 {
				t.Fatalf("CSAT mean %v", got)
			}
		}
		if len(ces) > 0 {
			sum := 0
			for _, x := range ces {
				sum += x
			}
			if got, _ := all.CES(); math.Abs(got-float64(sum)/float64(len(ces))) > 1e-9 {
				t.Fatalf("CES %v", got)
			}
		}
	})
}
