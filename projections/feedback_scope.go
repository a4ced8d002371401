package projections

import (
	"time"

	"cxtracker/events"
)

// ScopeSums are the scores of one metric in a feedback scope, summed per
// ISO week (keyed by its Monday) and per calendar month (keyed by its
// first day) in which the feedback occurred, UTC, and over all of it.
type ScopeSums struct {
	Weeks, Months map[time.Time]events.Summary
	All           events.Summary
}

// ScopeSums sums metric's scores in scope from the daily cells (see
// feedbackDays): the one place a KPI computed from the feedback gets its
// figures. Like the council report, and unlike the headline and the
// trends, it counts a feedback id the log holds twice (which the write
// side refuses) twice.
func (m *Feedback) ScopeSums(scope events.FeedbackScope, metric string) ScopeSums {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := ScopeSums{Weeks: map[time.Time]events.Summary{}, Months: map[time.Time]events.Summary{}}
	in := map[string]bool{}
	for tp, place := range m.places {
		in[tp] = (scope.TouchpointID == "" || tp == scope.TouchpointID) &&
			(scope.StageID == "" || place.stageID == scope.StageID) &&
			(scope.JourneyID == "" || place.journeyID == scope.JourneyID)
	}
	for k, s := range m.days {
		if !in[k.touchpointID] || (scope.Segment != "" && k.segment != scope.Segment) {
			continue
		}
		s = onlyMetric(s, metric)
		if s.Count(metric) == 0 {
			continue
		}
		day := time.Unix(int64(k.occurred)*daySeconds, 0).UTC()
		merge(out.Weeks, isoWeekStart(day), s)
		merge(out.Months, monthStart(day), s)
		out.All.Merge(s)
	}
	return out
}
