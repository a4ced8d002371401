package projections

import (
	"fmt"
	"sync"
	"time"
)

// WithOverdue is the journey map j with, on the journey, each stage and
// each touchpoint, how many of its open follow-ups are past their due time
// at now. Overdue depends on the clock, so no count is kept as events come:
// the follow-ups are counted when asked, from the item store's index of
// open follow-ups by due time, which visits only the overdue ones.
func (m *Feedback) WithOverdue(j JourneyView, now time.Time) (JourneyView, error) {
	if m.store == nil {
		return j, m.Err()
	}
	// The store's read settles its writer itself, and only when the count
	// kept is stale (overdueByTouchpoint).
	byTouchpoint, err := m.store.overdueByTouchpoint(now)
	if err != nil {
		return j, err
	}
	count := func(n int) *int { return &n }
	total := 0
	stages := make([]StageView, len(j.Stages))
	for i, st := range j.Stages {
		n := 0
		tps := make([]TouchpointView, len(st.Touchpoints))
		for k, tp := range st.Touchpoints {
			tp.OverdueFollowUps = count(byTouchpoint[tp.ID])
			n += byTouchpoint[tp.ID]
			tps[k] = tp
		}
		st.Touchpoints, st.OverdueFollowUps = tps, count(n)
		stages[i] = st
		total += n
	}
	j.Stages, j.OverdueFollowUps = stages, count(total)
	return j, nil
}

// overdueCache keeps the store's last count of overdue follow-ups: it
// holds while no change was sent to the store's writer since it was
// counted and the clock is in the same second, so the many readers of one
// map at one moment share one query instead of queueing on the store's
// lock. A store in memory (no writer) is never cached.
type overdueCache struct {
	mu   sync.Mutex
	sent uint64
	at   time.Time
	by   map[string]int
}

// overdueByTouchpoint counts the open follow-ups due before now, to the
// second, by touchpoint. The map answered is shared: callers only read it.
func (s *itemStore) overdueByTouchpoint(now time.Time) (map[string]int, error) {
	now = now.Truncate(time.Second)
	if s.queue == nil {
		return s.countOverdue(now)
	}
	s.qmu.Lock()
	sent := s.sent
	s.qmu.Unlock()
	c := &s.overdue
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by != nil && c.sent == sent && c.at.Equal(now) {
		return c.by, nil
	}
	by, err := s.countOverdue(now)
	if err != nil {
		return nil, err
	}
	c.sent, c.at, c.by = sent, now, by
	return by, nil
}

// countOverdue counts, from the store, the open follow-ups due before now
// by touchpoint.
func (s *itemStore) countOverdue(now time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := s.reading(func(db itemReader) error {
		rows, err := db.Query(`SELECT touchpoint, count(*) FROM items INDEXED BY items_due
			WHERE follow = 1 AND due > 0 AND due < ? GROUP BY touchpoint`, dueKey(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tp string
			var n int
			if err := rows.Scan(&tp, &n); err != nil {
				return err
			}
			out[tp] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("feedback store: overdue follow-ups: %w", err)
	}
	return out, nil
}
