package webhooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"cxtracker/events"
)

// Run starts delivering: one goroutine per subscription, each on its own
// feed, started and stopped as subscriptions are registered and deleted on
// any replica. It returns once the subscriptions kept so far are running;
// they stop when ctx ends (Wait waits for that).
func (s *Service) Run(ctx context.Context, encode Encoder) error {
	s.settle(ctx)
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
		r := &runner{s: s, sub: sub, feed: feed, encode: encode}
		err = r.run(ctx)
		feed.Stop()
		if ctx.Err() == nil {
			s.opts.Logger.Warn("webhook feed ended; opening it again", "webhook", sub.ID, "err", err)
			sleep(ctx, time.Second)
		}
	}
}

// runner delivers one subscription's feed. It keeps the state in memory
// while deliveries succeed and writes it at most every FlushEvery, when
// the feed goes quiet, and at once on a failure; a write that finds the
// state changed by another (a replica delivering the same subscription, a
// resume) reads it again and records the pending deliveries onto it.
type runner struct {
	s      *Service
	sub    Subscription
	feed   Feed
	encode Encoder

	st      State
	rev     uint64
	loaded  bool
	pending []Delivery
	flushed time.Time
}

// run takes the feed's events one by one while the subscription is
// active, until ctx ends or the feed fails.
func (r *runner) run(ctx context.Context) error {
	defer func() {
		// What was delivered is recorded even as the runner stops, unless
		// it stops because the subscription was deleted.
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, ok, err := r.s.store.Subscription(stopCtx, r.sub.ID); ok && err == nil {
			_ = r.flush(stopCtx)
		}
	}()
	for {
		if !r.loaded {
			if err := r.load(ctx); err != nil {
				return err
			}
		}
		if w, _, ok := r.s.logged(r.sub.ID); !ok || !w.Active() {
			// Not registered in the log yet, paused, or being deleted.
			if !r.s.nap(ctx, r.s.opts.PausedCheck) {
				return ctx.Err()
			}
			r.loaded = false
			continue
		}
		msg, err := r.next(ctx)
		if err != nil {
			return err
		}
		if msg == nil {
			continue // quiet: the records were kept
		}
		if err := r.deliver(ctx, msg); err != nil {
			return err
		}
	}
}

// next is the feed's next event; nil when the feed stayed quiet for
// FlushEvery with records pending, which it then keeps.
func (r *runner) next(ctx context.Context) (Message, error) {
	if len(r.pending) == 0 {
		return r.feed.Next(ctx)
	}
	wait, cancel := context.WithTimeout(ctx, r.s.opts.FlushEvery)
	defer cancel()
	msg, err := r.feed.Next(wait)
	if err != nil && ctx.Err() == nil && wait.Err() != nil {
		return nil, r.flush(ctx)
	}
	return msg, err
}

// load reads the kept state.
func (r *runner) load(ctx context.Context) error {
	w, _, _ := r.s.logged(r.sub.ID)
	st, rev, err := r.s.state(ctx, r.sub.ID, w)
	if err != nil {
		return err
	}
	r.st, r.rev, r.loaded = st, rev, true
	return nil
}

// flush keeps the state with the pending records.
func (r *runner) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	for {
		rev, err := r.s.store.PutState(ctx, r.sub.ID, r.st, r.rev)
		if err == nil {
			r.rev, r.pending, r.flushed = rev, nil, time.Now()
			return nil
		}
		if !errors.Is(err, ErrStateChanged) {
			return err
		}
		if err := r.load(ctx); err != nil {
			return err
		}
		for i := range r.pending {
			r.st.record(r.pending[i])
		}
	}
}

// deliver makes one attempt at msg and records it: acknowledged on
// success, given again after a pause that grows with each attempt on
// failure. A subscription failing for PauseAfter is paused.
func (r *runner) deliver(ctx context.Context, msg Message) error {
	s, sub := r.s, r.sub
	rec := msg.Record()
	if rec.Damage != nil {
		// Quarantined in the log (GET /v1/audit/quarantine): nothing to send.
		return msg.Ack(ctx)
	}
	if w, _, ok := s.logged(sub.ID); !ok || !w.Active() {
		// Paused or deleted while the feed waited: held until resumed.
		r.loaded = false
		return msg.Retry(s.opts.FirstPause)
	}
	body, err := r.encode(ctx, rec)
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
	r.pending = append(r.pending, d)
	r.st.record(d)
	if sendErr == nil {
		if time.Since(r.flushed) >= s.opts.FlushEvery {
			if err := r.flush(ctx); err != nil {
				return err
			}
		}
		return msg.Ack(ctx)
	}
	// A failure is kept at once, on the state as it is kept, since
	// another may have paused or resumed the subscription meanwhile.
	if err := r.flush(ctx); err != nil {
		return err
	}
	if r.pauseIfDue(ctx, at, d.Error) {
		// Ready again as soon as the subscription is resumed.
		r.loaded = false
		return msg.Retry(s.opts.FirstPause)
	}
	return msg.Retry(Backoff(msg.Attempt(), s.opts.FirstPause, s.opts.MostPause))
}

// PauseSource is the CloudEvents source of the pauses the delivery
// service writes; their actor is "system".
const PauseSource = "/cxtracker/webhooks"

// pauseIfDue pauses the subscription once it has failed for PauseAfter
// since it became active, by writing webhook_paused through the Engine,
// and says whether it is paused. The event's id is derived from the
// subscription and its aggregate's version (events.WebhookPauseID), and
// the Engine appends it expecting that version's sequence, so replicas
// that find it due together write it once: the second copy is refused as
// a duplicate or a conflict, and decided again it writes nothing.
func (r *runner) pauseIfDue(ctx context.Context, at time.Time, lastError string) bool {
	s, id := r.s, r.sub.ID
	w, version, ok := s.logged(id)
	if !ok || !w.Active() {
		return ok && w.Paused
	}
	since := r.st.FailingSince
	if since.Before(w.ActiveSince) {
		since = w.ActiveSince
	}
	if since.IsZero() || at.Sub(since) < PauseAfter {
		return false
	}
	reason := fmt.Sprintf("every delivery failed since %s, for more than %s; the last: %s", since.Format(time.RFC3339), PauseAfter, lastError)
	// A reason is prose of one event: no control or bidirectional
	// character a receiver's error might hold, at most MaxLongText.
	reason = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(reason[:min(len(reason), events.MaxLongText)], ""))
	_, err := s.opts.Engine.Execute(ctx, events.PauseWebhook{WebhookID: id, Reason: reason},
		events.Meta{Actor: "system", Source: PauseSource, EventID: func(int) string { return events.WebhookPauseID(id, version) }})
	if err != nil {
		s.opts.Logger.Warn("webhook pause not written; judged again on the next failure", "webhook", id, "err", err)
		return false
	}
	s.opts.Logger.Warn("webhook paused", "webhook", id, "reason", reason)
	return true
}

// settle brings the kept subscriptions in line with the log as delivery
// starts: a subscription kept before registrations were events is
// registered on its behalf (as its registrant, when it was registered,
// under an id every replica derives alike); one whose deletion stopped
// before its secret was removed is removed; one kept over an hour ago
// whose registration never reached the log is removed. What fails is
// logged and tried again at the next start.
func (s *Service) settle(ctx context.Context) {
	subs, err := s.store.Subscriptions(ctx)
	if err != nil {
		s.opts.Logger.Warn("webhooks not settled with the log", "err", err)
		return
	}
	for _, sub := range subs {
		w, _, ok := s.logged(sub.ID)
		switch {
		case ok && w.Deleted:
			err = s.store.DeleteSubscription(ctx, sub.ID)
		case ok:
			continue
		case !sub.Logged:
			_, err = s.opts.Engine.Execute(ctx, events.RegisterWebhook{WebhookID: sub.ID, URL: sub.URL, Types: sub.Types},
				events.Meta{Actor: sub.CreatedBy, Time: sub.CreatedAt,
					EventID: func(int) string { return events.DerivedID("webhook registered before events", sub.ID) }})
		case s.opts.Clock.Now().Sub(sub.CreatedAt) > abandonedAfter:
			err = s.store.DeleteSubscription(ctx, sub.ID)
		}
		if err != nil {
			s.opts.Logger.Warn("a webhook not settled with the log", "webhook", sub.ID, "err", err)
		}
	}
}

// abandonedAfter is how long a subscription kept may wait for its
// registration to reach the log before it is taken for abandoned.
const abandonedAfter = time.Hour

// Nudge wakes this process's subscriptions that wait for the log (to be
// registered or resumed), so they look again at once rather than at their
// next PausedCheck; the API calls it after each webhook write.
func (s *Service) Nudge() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.wake)
	s.wake = make(chan struct{})
}

// nap waits d, until a Nudge, or until ctx ends, and says whether ctx
// is still live.
func (s *Service) nap(ctx context.Context, d time.Duration) bool {
	s.mu.Lock()
	wake := s.wake
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case <-ctx.Done():
	}
	return ctx.Err() == nil
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
