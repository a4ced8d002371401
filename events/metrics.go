package events

import "fmt"

// Feedback metrics, as the API spells them.
const (
	MetricNPS  = "nps"
	MetricCSAT = "csat"
	MetricCES  = "ces"
)

// Metrics lists the feedback metrics.
var Metrics = []string{MetricNPS, MetricCSAT, MetricCES}

// Scale is the range of scores of a metric, both ends included.
type Scale struct {
	Min, Max int
}

// scales are the feedback metrics' scales: NPS 0-10 "would you recommend",
// CSAT 1-5 satisfaction, CES 1-7 effort.
var scales = map[string]Scale{
	MetricNPS:  {0, 10},
	MetricCSAT: {1, 5},
	MetricCES:  {1, 7},
}

// CheckScore rejects an unknown metric or a score off the metric's scale,
// naming the fields as the API does.
//
// Errors: *Error with CodeInvalid.
func CheckScore(metric string, score int) error {
	var v checks
	v.checkScore(metric, score)
	return v.err()
}

func (c *checks) checkScore(metric string, score int) {
	sc, ok := scales[metric]
	if !ok {
		c.oneOf("metric", metric, Metrics)
		return
	}
	if score < sc.Min || score > sc.Max {
		c.fail("score", "must be from %d to %d for %s", sc.Min, sc.Max, metric)
	}
}

// Summary accumulates feedback scores of every metric and reports them by
// the formulas its NPS, CSAT, CSATMean and CES methods state. It holds integer counts only, so adding scores in
// any order, or merging summaries of touchpoints into one of their stage,
// gives exactly the same figures. The zero Summary is empty and ready.
type Summary struct {
	NPSCount   int `json:"nps_count"`
	Promoters  int `json:"promoters"`
	Detractors int `json:"detractors"`

	CSATCount int `json:"csat_count"`
	Satisfied int `json:"satisfied"`
	CSATSum   int `json:"csat_sum"`

	CESCount int `json:"ces_count"`
	CESSum   int `json:"ces_sum"`
	// CESSquares is the sum of the squared CES scores: with CESSum and
	// CESCount it gives the scores' variance, and so the mean's margin of
	// error.
	CESSquares int `json:"ces_squares"`
}

// Add counts one score.
//
// Errors: *Error with CodeInvalid when the metric is unknown or the score is
// off its scale; nothing is counted then.
func (s *Summary) Add(metric string, score int) error {
	if err := CheckScore(metric, score); err != nil {
		return err
	}
	switch metric {
	case MetricNPS:
		s.NPSCount++
		switch {
		case score >= 9:
			s.Promoters++
		case score <= 6:
			s.Detractors++
		}
	case MetricCSAT:
		s.CSATCount++
		s.CSATSum += score
		if score >= 4 {
			s.Satisfied++
		}
	case MetricCES:
		s.CESCount++
		s.CESSum += score
		s.CESSquares += score * score
	}
	return nil
}

// Merge adds every score counted in o.
func (s *Summary) Merge(o Summary) {
	s.NPSCount += o.NPSCount
	s.Promoters += o.Promoters
	s.Detractors += o.Detractors
	s.CSATCount += o.CSATCount
	s.Satisfied += o.Satisfied
	s.CSATSum += o.CSATSum
	s.CESCount += o.CESCount
	s.CESSum += o.CESSum
	s.CESSquares += o.CESSquares
}

// Less is s without the scores counted in o, which s must hold: the
// scores between two running totals.
func (s Summary) Less(o Summary) Summary {
	return Summary{
		NPSCount: s.NPSCount - o.NPSCount, Promoters: s.Promoters - o.Promoters, Detractors: s.Detractors - o.Detractors,
		CSATCount: s.CSATCount - o.CSATCount, Satisfied: s.Satisfied - o.Satisfied, CSATSum: s.CSATSum - o.CSATSum,
		CESCount: s.CESCount - o.CESCount, CESSum: s.CESSum - o.CESSum, CESSquares: s.CESSquares - o.CESSquares,
	}
}

// Count is the number of scores of metric counted.
func (s Summary) Count(metric string) int {
	switch metric {
	case MetricNPS:
		return s.NPSCount
	case MetricCSAT:
		return s.CSATCount
	case MetricCES:
		return s.CESCount
	}
	return 0
}

// NPS is the net promoter score, from -100 to +100: the percentage of
// promoters (9-10) minus the percentage of detractors (0-6). It is false
// when no NPS score was counted, which is not a score of 0.
func (s Summary) NPS() (float64, bool) {
	if s.NPSCount == 0 {
		return 0, false
	}
	return 100 * float64(s.Promoters-s.Detractors) / float64(s.NPSCount), true
}

// CSAT is the percentage of CSAT responses that are 4 or 5; false when none
// was counted.
func (s Summary) CSAT() (float64, bool) {
	if s.CSATCount == 0 {
		return 0, false
	}
	return 100 * float64(s.Satisfied) / float64(s.CSATCount), true
}

// CSATMean is the mean CSAT score, from 1 to 5; false when none was counted.
func (s Summary) CSATMean() (float64, bool) {
	if s.CSATCount == 0 {
		return 0, false
	}
	return float64(s.CSATSum) / float64(s.CSATCount), true
}

// CES is the mean customer effort score, from 1 to 7, where lower is better
// (less effort); false when none was counted.
func (s Summary) CES() (float64, bool) {
	if s.CESCount == 0 {
		return 0, false
	}
	return float64(s.CESSum) / float64(s.CESCount), true
}

// CESDirection states which way CES is better, for views that show it.
const CESDirection = "lower_is_better"

func (s Summary) String() string {
	return fmt.Sprintf("nps %d (%d+ %d-), csat %d (%d sat, sum %d), ces %d (sum %d, squares %d)",
		s.NPSCount, s.Promoters, s.Detractors, s.CSATCount, s.Satisfied, s.CSATSum, s.CESCount, s.CESSum, s.CESSquares)
}
