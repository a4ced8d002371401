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
	in := m.inScope(scope)
	// Days first, keyed by a small integer: the cells are many, the days
	// a few hundred.
	days := map[int32]events.Summary{}
	for k, s := range m.days {
		if (scope.Segment != "" && k.segment != scope.Segment) || !in(k.touchpointID) {
			continue
		}
		if s = onlyMetric(s, metric); s.Count(metric) > 0 {
			merge(days, k.occurred, s)
		}
	}
	out := ScopeSums{Weeks: map[time.Time]events.Summary{}, Months: map[time.Time]events.Summary{}}
	for d, s := range days {
		day := time.Unix(int64(d)*daySeconds, 0).UTC()
		merge(out.Weeks, isoWeekStart(day), s)
		merge(out.Months, monthStart(day), s)
		out.All.Merge(s)
	}
	return out
}

// inScope tells whether a touchpoint is in scope's journey, stage and
// touchpoint (the segment is the cells' to tell).
func (m *Feedback) inScope(scope events.FeedbackScope) func(touchpointID string) bool {
	switch {
	case scope.JourneyID == "" && scope.StageID == "" && scope.TouchpointID == "":
		return func(string) bool { return true }
	case scope.JourneyID == "" && scope.StageID == "":
		return func(tp string) bool { return tp == scope.TouchpointID }
	}
	in := map[string]bool{}
	for tp, place := range m.places {
		in[tp] = (scope.TouchpointID == "" || tp == scope.TouchpointID) &&
			(scope.StageID == "" || place.stageID == scope.StageID) &&
			(scope.JourneyID == "" || place.journeyID == scope.JourneyID)
	}
	return func(tp string) bool { return in[tp] }
}

// daysVersion changes whenever the daily cells may have changed: it is the
// sequence of the newest record that changed the model's feedback, and
// the number of cells (which a checkpoint loaded replaces).
func (m *Feedback) daysVersion() [2]uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return [2]uint64{m.lastSeq, uint64(len(m.days))}
}
