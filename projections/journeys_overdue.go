package projections

import (
	"fmt"
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
	m.settle()
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

// overdueByTouchpoint counts the open follow-ups due before now, by
// touchpoint.
func (s *itemStore) overdueByTouchpoint(now time.Time) (map[string]int, error) {
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
