package projections

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"cxtracker/events"
)

// feedbackDays are the daily figures of the feedback: per touchpoint, day
// the feedback occurred (UTC), day the log stored it (UTC) and segment,
// the counts every metric needs (events.Summary: promoters, passives and
// detractors; satisfied and the sum of CSAT scores; the sum and count of
// CES), all integers, so that summing cells gives exactly the figures
// summing the items would. The stored day is what lets a council report
// for a past period leave out what the log stored after it, as a replay
// up to the period's end does. Cells grow with touchpoints and days, never
// with feedback volume.
type feedbackDays map[dayCell]events.Summary

// dayCell is the key of one cell: days count from 1970-01-01.
type dayCell struct {
	touchpointID     string
	occurred, stored int32
	segment          string
}

// daySeconds is how long a day of the daily cells and of the report
// history is: a UTC day. Tests shorten it, to see many days in seconds.
var daySeconds int64 = 86400

// dayOf is the day of t, counted from 1970-01-01 (negative before).
func dayOf(t time.Time) int32 {
	s := t.Unix()
	d := s / daySeconds
	if s%daySeconds < 0 {
		d--
	}
	return int32(d)
}

// midnight is the start of t's day.
func midnight(t time.Time) time.Time {
	return time.Unix(int64(dayOf(t))*daySeconds, 0).UTC()
}

func (t feedbackDays) add(touchpointID string, occurred, stored time.Time, segment, metric string, score int) {
	k := dayCell{touchpointID: touchpointID, occurred: dayOf(occurred), stored: dayOf(stored), segment: segment}
	s := t[k]
	_ = s.Add(metric, score) // A score off its scale was never logged.
	t[k] = s
}

// dayFigures are, per touchpoint, the feedback the log stored before the
// day `before` (whole days since 1970-01-01, UTC) that occurred before each
// of the days bounds, summed from the daily cells; and the touchpoints
// known. What occurred on a bound's day itself before the bound is the
// item store's to add (partDays).
func (m *Feedback) dayFigures(before int32, bounds ...int32) (upTo []map[string]events.Summary, touchpoints []string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	upTo = make([]map[string]events.Summary, len(bounds))
	for i := range upTo {
		upTo[i] = map[string]events.Summary{}
	}
	for k, s := range m.days {
		if k.stored >= before {
			continue
		}
		for i, b := range bounds {
			if k.occurred < b {
				merge(upTo[i], k.touchpointID, s)
			}
		}
	}
	touchpoints = make([]string, 0, len(m.places))
	for tp := range m.places {
		touchpoints = append(touchpoints, tp)
	}
	slices.Sort(touchpoints)
	return upTo, touchpoints
}

// partDays adds to each of upTo, read from the item store, the feedback
// up to sequence seq at touchpoints that occurred on the day of its bound
// before the bound: what dayFigures leaves to it.
func (m *Feedback) partDays(touchpoints []string, seq uint64, bounds []time.Time, upTo []map[string]events.Summary) error {
	m.mu.RLock()
	store, err := m.store, m.err
	m.mu.RUnlock()
	if store == nil || err != nil {
		return cmp.Or(err, errors.New("no item store"))
	}
	for i, bound := range bounds {
		if bound.Equal(midnight(bound)) {
			continue
		}
		into := upTo[i]
		q := scoreQuery{touchpoints: touchpoints, seq: seq, from: midnight(bound), to: bound}
		if err := store.periodScores(q, addScoreTo(into)); err != nil {
			return err
		}
	}
	return nil
}

// addScoreTo is a periodScores callback that adds each score to its
// touchpoint's summary in into.
func addScoreTo(into map[string]events.Summary) func(tp, metric string, score int) {
	return func(tp, metric string, score int) {
		s := into[tp]
		_ = s.Add(metric, score) // A score off its scale was never logged.
		into[tp] = s
	}
}

// merge adds s to the summary of key in into.
func merge[K comparable](into map[K]events.Summary, key K, s events.Summary) {
	sum := into[key]
	sum.Merge(s)
	into[key] = sum
}
