package projections

import (
	"time"

	"cxtracker/events"
)

// The day of a cut by recorded time: the daily cells hold what the log
// stored on knownAt's day as a whole, before knownAt and after it, so the
// part before it comes from the item store. It is read whichever way
// visits the fewest items: the items stored that day before knownAt (by
// the stored index), the items of the touchpoints that occurred in the
// period (by touchpoint), or the day's cells less the items stored that
// day at or after knownAt. A report known now, after an import of a year
// today, reads none: nothing was stored after now.

// knownDayPart is how to read the feedback of q's period that the log
// stored on knownAt's day before knownAt, where occurring items of q's
// touchpoints occurred in the period: the query to read, and whether its
// scores are to be taken from the day's cells (less) rather than added.
func (s *itemStore) knownDayPart(q scoreQuery, knownAt time.Time, occurring int) (scoreQuery, bool, error) {
	day, next := midnight(knownAt), midnight(knownAt).Add(time.Duration(daySeconds)*time.Second)
	// Both sides of knownAt are counted up to a limit that grows until one
	// of them is under it or it passes occurring: the counting visits no
	// more than a few times the smaller side, or occurring.
	for limit := 256; ; limit *= 8 {
		limit = min(limit, occurring)
		after, err := s.storedCount(knownAt, next, limit)
		if err != nil {
			return q, false, err
		}
		before, err := s.storedCount(day, knownAt, min(limit, after+1))
		if err != nil {
			return q, false, err
		}
		switch {
		case before <= after && before < limit:
			q.storedFrom, q.byStored = day, true
			return q, false, nil
		case after < limit:
			q.storedFrom, q.storedBefore, q.byStored = knownAt, next, true
			return q, true, nil
		case limit == occurring:
			q.storedFrom = day
			return q, false, nil
		}
	}
}

// storedCount is how many items the log stored in [from, to), counted
// from the stored index alone and no further than limit.
func (s *itemStore) storedCount(from, to time.Time, limit int) (int, error) {
	var n int
	err := s.reading(func(db itemReader) error {
		rows, err := db.Query(`SELECT count(*) FROM (SELECT 1 FROM items INDEXED BY items_stored WHERE stored >= ? AND stored < ? LIMIT ?)`,
			timeKey(from), timeKey(to), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return n, err
}

// subtractScores takes from sums the scores of every feedback event q
// selects, and drops the touchpoints left with none.
func subtractScores(store *itemStore, q scoreQuery, sums map[string]events.Summary) error {
	less := map[string]events.Summary{}
	if err := store.periodScores(q, addScoreTo(less)); err != nil {
		return err
	}
	for tp, s := range less {
		if sums[tp] = sums[tp].Less(s); sums[tp] == (events.Summary{}) {
			delete(sums, tp)
		}
	}
	return nil
}
