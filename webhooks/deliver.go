package webhooks

import (
	"context"
	"fmt"
	"time"
)

// Run starts delivering: one goroutine per subscription, each on its own
// feed, started and stopped as subscriptions are registered and deleted on
// any replica. It returns once the subscriptions kept so far are running;
// they stop when ctx ends (Wait waits for that).
func (s *Service) Run(ctx context.Context, encode Encoder) error {
	return s.store.FollowSubscriptions(ctx, func(id string, sub *Subscription) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if stop, ok := s.running[id]; ok {
			stop()
			delete(s.running, id)
		}
		if sub == nil || ctx.Err() != nil {
			return
		}
		subCtx, stop := context.WithCancel(ctx)
		s.running[id] = stop
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.follow(subCtx, *sub, encode)
		}()
	})
}

// Wait waits until every delivery goroutine has stopped, after Run's ctx
// ended.
func (s *Service) Wait() { s.wg.Wait() }

// follow delivers sub's events until ctx ends, opening its feed again
// whenever it fails.
func (s *Service) follow(ctx context.Context, sub Subscription, encode Encoder) {
	for ctx.Err() == nil {
		feed, err := s.store.Feed(ctx, sub)
		if err != nil {
			s.opts.Logger.Warn("webhook feed did not open", "webhook", sub.ID, "err", err)
			sleep(ctx, s.opts.PausedCheck)
			continue
		}
		err = s.deliverAll(ctx, sub, feed, encode)
		feed.Stop()
		if ctx.Err() == nil {
			s.opts.Logger.Warn("webhook feed ended; opening it again", "webhook", sub.ID, "err", err)
			sleep(ctx, time.Second)
		}
	}
}

// deliverAll takes the feed's events one by one while the subscription is
// active.
func (s *Service) deliverAll(ctx context.Context, sub Subscription, feed Feed, encode Encoder) error {
	for {
		st, err := s.state(ctx, sub.ID)
		if err != nil {
			return err
		}
		if st.Status == StatusPaused {
			if !sleep(ctx, s.opts.PausedCheck) {
				return ctx.Err()
			}
			continue
		}
		msg, err := feed.Next(ctx)
		if err != nil {
			return err
		}
		if err := s.deliver(ctx, sub, msg, encode); err != nil {
			return err
		}
	}
}

// deliver makes one attempt at msg and records it: acknowledged on
// success, given again after a pause that grows with each attempt on
// failure. A subscription failing for PauseAfter is paused.
func (s *Service) deliver(ctx context.Context, sub Subscription, msg Message, encode Encoder) error {
	rec := msg.Record()
	if rec.Damage != nil {
		// Quarantined in the log (GET /v1/audit/quarantine): nothing to send.
		return msg.Ack(ctx)
	}
	body, err := encode(ctx, rec)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return msg.Retry(s.opts.FirstPause)
	}
	at := s.opts.Clock.Now()
	status, sendErr := post(ctx, s.client, sub, rec.Event.ID, at, body)
	if ctx.Err() != nil {
		return ctx.Err() // stopping: the event waits for the next feed
	}
	d := Delivery{EventID: rec.Event.ID, Seq: rec.Seq, Type: rec.Event.Type, Attempt: msg.Attempt(), At: at,
		Status: status, Succeeded: sendErr == nil}
	if sendErr != nil {
		d.Error = sendErr.Error()
	}
	st, err := s.state(ctx, sub.ID)
	if err != nil {
		return err
	}
	st.record(d)
	if sendErr != nil && st.dueToPause(at) {
		st.Status, st.PausedAt = StatusPaused, at
		st.PausedReason = fmt.Sprintf("every delivery failed since %s, for more than %s; the last: %s",
			st.FailingSince.Format(time.RFC3339), PauseAfter, d.Error)
		s.opts.Logger.Warn("webhook paused", "webhook", sub.ID, "reason", st.PausedReason)
	}
	if err := s.store.PutState(ctx, sub.ID, st); err != nil {
		return err
	}
	switch {
	case sendErr == nil:
		return msg.Ack(ctx)
	case st.Status == StatusPaused:
		// Ready again as soon as the subscription is resumed.
		return msg.Retry(s.opts.FirstPause)
	}
	return msg.Retry(Backoff(msg.Attempt(), s.opts.FirstPause, s.opts.MostPause))
}

// sleep waits d or until ctx ends, and says whether the wait was whole.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
