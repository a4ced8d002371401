package rules

import (
	"context"
	"time"

	"cxtracker/events"
)

// escalateLoop escalates what is overdue every EscalateEvery until ctx
// ends, from the moment the tracker is ready: before it has caught up
// with the log, a follow-up closed in time may still look open.
func (m *Manager) escalateLoop(ctx context.Context) {
	if m.opts.Ready != nil {
		if err := m.opts.Ready(ctx); err != nil {
			return
		}
	}
	t := time.NewTicker(m.opts.EscalateEvery)
	defer t.Stop()
	for {
		if _, err := m.EscalateDue(ctx); err != nil && ctx.Err() == nil {
			m.opts.Logger.Warn("follow-up rules: escalating overdue follow-ups failed; trying again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EscalateDue escalates to the CX manager every follow-up that is open and
// past its due time on the manager's clock, once each: the event's id is
// derived from the follow-up, so two replicas escalating at once write it
// once. It answers how many it escalated.
func (m *Manager) EscalateDue(ctx context.Context) (int, error) {
	m.escalate.Lock()
	defer m.escalate.Unlock()
	now := m.opts.Clock.Now()
	var due []events.FollowUp
	m.engine.View(func(s *events.State) {
		for _, f := range s.DueFollowUps() {
			if f.Overdue(now) {
				due = append(due, f)
			}
		}
	})
	n := 0
	for _, f := range due {
		id := events.DerivedID("followup escalated", f.FeedbackID)
		meta := events.Meta{Source: Source, Time: now, EventID: func(int) string { return id }}
		res, err := m.engine.Execute(ctx, events.EscalateFollowUp{FeedbackID: f.FeedbackID, Now: now}, meta)
		if code := events.ErrorCode(err); code != "" {
			continue // closed or escalated meanwhile, elsewhere
		}
		if err != nil {
			return n, err
		}
		if len(res.Events) > 0 && !res.Appended.Duplicate {
			n++
			m.escalated.Add(1)
		}
	}
	m.passes.Add(1)
	return n, nil
}
