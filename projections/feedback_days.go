package projections

import (
	"cmp"
	"database/sql"
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
// day `before` (whole days since 1970-01-01, UTC) that occurred before the
// day fromDay (start) and before the day toDay (end), summed from the daily
// cells; and the touchpoints known. What occurred on fromDay or toDay
// itself before the period's bounds is the item store's to add
// (partDays).
func (m *Feedback) dayFigures(before, fromDay, toDay int32) (start, end map[string]events.Summary, touchpoints []string) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	start, end = map[string]events.Summary{}, map[string]events.Summary{}
	for k, s := range m.days {
		if k.stored >= before {
			continue
		}
		if k.occurred < fromDay {
			merge(start, k.touchpointID, s)
		}
		if k.occurred < toDay {
			merge(end, k.touchpointID, s)
		}
	}
	touchpoints = make([]string, 0, len(m.places))
	for tp := range m.places {
		touchpoints = append(touchpoints, tp)
	}
	slices.Sort(touchpoints)
	return start, end, touchpoints
}

// partDays adds to start and end, read from the item store, the feedback
// up to sequence seq at touchpoints that occurred on the day of from
// before from, and on the day of to before to: what dayFigures leaves to
// it.
func (m *Feedback) partDays(touchpoints []string, seq uint64, from, to time.Time, start, end map[string]events.Summary) error {
	m.mu.RLock()
	store, err := m.store, m.err
	m.mu.RUnlock()
	if store == nil || err != nil {
		return cmp.Or(err, errors.New("no item store"))
	}
	for _, part := range []struct {
		bound time.Time
		into  map[string]events.Summary
	}{{from, start}, {to, end}} {
		if part.bound.Equal(midnight(part.bound)) {
			continue
		}
		err := store.scores(touchpoints, midnight(part.bound), part.bound, seq, func(tp, metric string, score int) {
			s := part.into[tp]
			_ = s.Add(metric, score) // A score off its scale was never logged.
			part.into[tp] = s
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// merge adds s to the summary of key in into.
func merge[K comparable](into map[K]events.Summary, key K, s events.Summary) {
	sum := into[key]
	sum.Merge(s)
	into[key] = sum
}

// scores calls fn with the touchpoint, metric and score of every feedback
// event up to sequence seq at one of touchpoints that occurred in
// [from, to), an id logged twice once for each event.
func (s *itemStore) scores(touchpoints []string, from, to time.Time, seq uint64, fn func(tp, metric string, score int)) error {
	return s.reading(func(db *sql.DB) error {
		read := func(query string, args ...any) error {
			rows, err := db.Query(query, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var (
					tp, metric string
					score      int
				)
				if err := rows.Scan(&tp, &metric, &score); err != nil {
					return err
				}
				fn(tp, metric, score)
			}
			return rows.Err()
		}
		lo, hi := timeKey(from), timeKey(to)
		for _, tp := range touchpoints {
			if err := read(`SELECT touchpoint, metric, score FROM items INDEXED BY items_t_at WHERE touchpoint = ? AND occurred >= ? AND occurred < ? AND seq <= ?`,
				tp, lo, hi, int64(seq)); err != nil {
				return err
			}
		}
		return read(`SELECT touchpoint, metric, score FROM dups WHERE occurred >= ? AND occurred < ? AND seq <= ?`, lo, hi, int64(seq))
	})
}
