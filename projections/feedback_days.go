package projections

import (
	"database/sql"
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

// dayOf is the UTC day of t, counted from 1970-01-01 (negative before).
func dayOf(t time.Time) int32 {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return int32(d)
}

// midnight is the start of t's UTC day.
func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (t feedbackDays) add(touchpointID string, occurred, stored time.Time, segment, metric string, score int) {
	k := dayCell{touchpointID: touchpointID, occurred: dayOf(occurred), stored: dayOf(stored), segment: segment}
	s := t[k]
	_ = s.Add(metric, score) // A score off its scale was never logged.
	t[k] = s
}

// reportFigures are, per touchpoint, the feedback the log stored before
// the day `day` (that is, up to sequence daySeq, the last record stored
// before it) that occurred before from (start) and before to (end): what
// a council report for [from, to) counts from the records before its last
// day. Whole days come from the daily cells; the part of from's and to's
// own day before them comes from the item store, item by item.
func (m *Feedback) reportFigures(day time.Time, daySeq uint64, from, to time.Time) (start, end map[string]events.Summary, err error) {
	m.mu.RLock()
	before := dayOf(day)
	start, end = map[string]events.Summary{}, map[string]events.Summary{}
	fromDay, toDay := dayOf(from), dayOf(to)
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
	touchpoints := make([]string, 0, len(m.places))
	for tp := range m.places {
		touchpoints = append(touchpoints, tp)
	}
	store := m.store
	m.mu.RUnlock()
	if store == nil {
		return nil, nil, m.Err()
	}
	for _, part := range []struct {
		bound time.Time
		into  map[string]events.Summary
	}{{from, start}, {to, end}} {
		if part.bound.Equal(midnight(part.bound)) {
			continue
		}
		err := store.scores(touchpoints, midnight(part.bound), part.bound, daySeq, func(tp, metric string, score int) {
			s := part.into[tp]
			_ = s.Add(metric, score)
			part.into[tp] = s
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return start, end, nil
}

func merge(into map[string]events.Summary, tp string, s events.Summary) {
	sum := into[tp]
	sum.Merge(s)
	into[tp] = sum
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
