package projections

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"
	"time"

	"cxtracker/events"
)

// periodSums is, per touchpoint, the feedback that occurred in [from, to)
// (of segment, or every segment when ""), counting only what the log
// stored before knownAt (zero: all the model holds), every event once as
// the daily cells count them; and where each touchpoint stands. The whole
// days of the period come from the daily cells stored before knownAt's
// day; the item store adds the parts of the first and last days, and the
// items stored on knownAt's day before it.
func (m *Feedback) periodSums(from, to, knownAt time.Time, segment string) (map[string]events.Summary, map[string]feedbackPlace, error) {
	return m.periodSumsOf(nil, from, to, knownAt, segment)
}

// periodSumsOf is periodSums of the touchpoints in only (all when nil):
// a caller that needs a few touchpoints reads the item store for those
// alone.
func (m *Feedback) periodSumsOf(only map[string]bool, from, to, knownAt time.Time, segment string) (map[string]events.Summary, map[string]feedbackPlace, error) {
	from, to = from.UTC(), to.UTC()
	first, end := dayOf(from), dayOf(to)
	if !from.Equal(midnight(from)) {
		first++
	}
	storedBefore := int32(math.MaxInt32)
	if !knownAt.IsZero() {
		storedBefore = dayOf(knownAt)
	}
	sums := map[string]events.Summary{}
	// knownDay is the period's whole days' feedback the log stored on
	// knownAt's day, before or after it; occurring is how many items of
	// the touchpoints occurred in the period (see knownDayPart).
	knownDay := map[string]events.Summary{}
	var occurring int
	m.mu.RLock()
	if first < end {
		for k, s := range m.days {
			if k.occurred < first || k.occurred >= end || (only != nil && !only[k.touchpointID]) {
				continue
			}
			occurring += summaryCount(s)
			if segment != "" && k.segment != segment {
				continue
			}
			switch {
			case k.stored < storedBefore:
				merge(sums, k.touchpointID, s)
			case k.stored == storedBefore:
				merge(knownDay, k.touchpointID, s)
			}
		}
	}
	places := maps.Clone(m.places)
	store, seq, err := m.store, m.lastSeq, m.err
	m.mu.RUnlock()
	if store == nil || err != nil {
		return nil, nil, cmp.Or(err, errors.New("no item store"))
	}
	// The cells hold every record up to seq; the store holds them once it
	// has written what was queued before now.
	m.settle()
	tps := slices.Sorted(maps.Keys(places))
	if only != nil {
		tps = slices.DeleteFunc(tps, func(tp string) bool { return !only[tp] })
	}
	q := scoreQuery{touchpoints: tps, segment: segment, seq: seq, storedBefore: knownAt}
	var parts []scoreQuery
	dayStart := func(d int32) time.Time { return time.Unix(int64(d)*daySeconds, 0).UTC() }
	if first < end {
		if lo := dayStart(first); from.Before(lo) {
			parts = append(parts, q.occurring(from, lo))
		}
		if hi := dayStart(end); hi.Before(to) {
			parts = append(parts, q.occurring(hi, to))
		}
		if !knownAt.IsZero() && knownAt.After(midnight(knownAt)) {
			p, less, err := store.knownDayPart(q.occurring(dayStart(first), dayStart(end)), knownAt, occurring)
			if err != nil {
				return nil, nil, err
			}
			if less {
				if err := subtractScores(store, p, knownDay); err != nil {
					return nil, nil, err
				}
				for tp, s := range knownDay {
					merge(sums, tp, s)
				}
			} else {
				parts = append(parts, p)
			}
		}
	} else if from.Before(to) {
		parts = append(parts, q.occurring(from, to))
	}
	for _, p := range parts {
		if err := store.periodScores(p, addScoreTo(sums)); err != nil {
			return nil, nil, err
		}
	}
	return sums, places, nil
}

// scoreQuery selects feedback events from the item store: at one of
// touchpoints, of segment (all when ""), up to sequence seq, that occurred
// in [from, to) and, where those are set, that the log stored in
// [storedFrom, storedBefore). byStored reads them by when they were stored
// rather than touchpoint by touchpoint: the cheaper when the log stored
// fewer items on that stretch than the touchpoints have in the period (a
// day's feedback, not a year imported that day).
type scoreQuery struct {
	touchpoints              []string
	segment                  string
	seq                      uint64
	from, to                 time.Time
	storedFrom, storedBefore time.Time
	byStored                 bool
}

func (q scoreQuery) occurring(from, to time.Time) scoreQuery {
	q.from, q.to = from, to
	return q
}

// periodScores calls fn with the touchpoint, metric and score of every
// feedback event q selects, an id logged twice once for each event. A
// query from a stored time reads that stretch of the log's items through
// their stored index when q.byStored says so; any other reads each
// touchpoint's period.
func (s *itemStore) periodScores(q scoreQuery, fn func(tp, metric string, score int)) error {
	cond := ` AND occurred >= ? AND occurred < ? AND seq <= ?`
	args := []any{timeKey(q.from), timeKey(q.to), int64(q.seq)}
	if q.segment != "" {
		cond += ` AND segment = ?`
		args = append(args, q.segment)
	}
	if !q.storedFrom.IsZero() {
		cond += ` AND stored >= ?`
		args = append(args, timeKey(q.storedFrom))
	}
	if !q.storedBefore.IsZero() {
		cond += ` AND stored < ?`
		args = append(args, timeKey(q.storedBefore))
	}
	return s.reading(func(db itemReader) error {
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
				if _, ok := slices.BinarySearch(q.touchpoints, tp); ok {
					fn(tp, metric, score)
				}
			}
			return rows.Err()
		}
		if q.byStored {
			if err := read(`SELECT touchpoint, metric, score FROM items INDEXED BY items_stored WHERE 1`+cond, args...); err != nil {
				return err
			}
		} else {
			for _, tp := range q.touchpoints {
				if err := read(`SELECT touchpoint, metric, score FROM items INDEXED BY items_t_at WHERE t = ?`+cond, append([]any{s.names.numOf(tp)}, args...)...); err != nil {
					return err
				}
			}
		}
		return read(`SELECT touchpoint, metric, score FROM dups WHERE 1`+cond, args...)
	})
}
