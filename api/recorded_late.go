package api

import (
	"context"

	"cxtracker/projections"
)

// markLate marks the events recorded late (projections.ProgramClock.Late).
// Whether an event was is decided by the events stored before it, so it
// first waits, bounded, until the read models have applied the events
// before the last one: an event read from the log a moment after it was
// stored is judged as it will always be. When they have not in time it
// answers the 503 of waitFor (the live stream then sends the event
// unmarked rather than end).
func (s *Server) markLate(ctx context.Context, evs []EventView) error {
	var last uint64
	for _, ev := range evs {
		last = max(last, ev.Seq)
	}
	if last == 0 {
		return nil
	}
	if err := s.waitFor(ctx, last-1); err != nil {
		return err
	}
	for i, ev := range evs {
		evs[i].RecordedLate = s.Views.Clock.Late(ev.Seq, ev.OccurredAt)
	}
	return nil
}

// freshInitiatives is an empty initiative model for time travel, judged by
// the views' clock, which knows the whole log (see Initiatives.JudgedBy).
func (s *Server) freshInitiatives() *projections.Initiatives {
	return projections.NewInitiatives().JudgedBy(s.Views.Clock)
}
