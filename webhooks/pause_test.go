package webhooks_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/webhooks"
)

// webhookEvents are the names of the events the log holds of webhook id,
// in log order, once engine has applied the whole log.
func (tr *tracker) webhookEvents(engine *events.Engine, id string) []string {
	tr.t.Helper()
	ctx := context.Background()
	last, err := tr.store.LastSeq(ctx)
	if err != nil {
		tr.t.Fatal(err)
	}
	if err := engine.WaitFor(ctx, last); err != nil {
		tr.t.Fatal(err)
	}
	var names []string
	agg := events.Aggregate{Kind: events.KindWebhook, ID: id}
	if err := tr.store.Read(ctx, events.FromSeq(1).Only(agg.Filter()), func(rec events.Record) error {
		names = append(names, rec.Event.Name())
		return nil
	}); err != nil {
		tr.t.Fatal(err)
	}
	return names
}

func TestTwoReplicasWriteTheAutomaticPauseOnce(t *testing.T) {
	tr := startTracker(t)
	ctx, cancel := context.WithCancel(context.Background())
	other, otherSvc := tr.replica(ctx)
	t.Cleanup(func() { cancel(); otherSvc.Wait() })
	rcv := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	sub := tr.register(rcv.URL, logged)
	tr.log(logged)
	// Both replicas pull from the one consumer, so both deliver and fail.
	tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Failed >= 4 })
	tr.clock.advance(webhooks.PauseAfter + time.Minute)
	tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Status == webhooks.StatusPaused })
	for _, e := range []*events.Engine{tr.engine, other} {
		if got := tr.webhookEvents(e, sub.ID); strings.Join(got, " ") != "webhook_registered webhook_paused" {
			t.Fatalf("the log holds %v of the webhook", got)
		}
	}
}

func TestReplicasPausingAtOneVersionTogetherWriteOneEvent(t *testing.T) {
	tr := startTracker(t)
	ctx, cancel := context.WithCancel(context.Background())
	other, otherSvc := tr.replica(ctx)
	t.Cleanup(func() { cancel(); otherSvc.Wait() })
	sub := tr.register("http://127.0.0.1:1/hook", logged)
	tr.webhookEvents(other, sub.ID) // both engines at the registration
	agg := events.Aggregate{Kind: events.KindWebhook, ID: sub.ID}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, e := range []*events.Engine{tr.engine, other} {
		v := uint64(0)
		e.View(func(s *events.State) { v = s.Stream(agg).Version })
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.Execute(ctx, events.PauseWebhook{WebhookID: sub.ID, Reason: "failing for a day"},
				events.Meta{Actor: "system", EventID: func(int) string { return events.WebhookPauseID(sub.ID, v) }})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := tr.webhookEvents(tr.engine, sub.ID); strings.Join(got, " ") != "webhook_registered webhook_paused" {
		t.Fatalf("the log holds %v of the webhook", got)
	}
}

func TestAPausedThenResumedWebhookHasBothEventsAndDeliversNothingMeanwhile(t *testing.T) {
	tr := startTracker(t)
	rcv := newReceiver(t, nil)
	sub := tr.register(rcv.URL, logged)
	tr.execute(events.PauseWebhook{WebhookID: sub.ID, Reason: "the CRM is being migrated"})
	if _, st, _ := tr.svc.Get(t.Context(), sub.ID); st.Status != webhooks.StatusPaused || st.PausedReason != "the CRM is being migrated" {
		t.Fatalf("paused in the log, the webhook reads %+v", st)
	}
	held := tr.log(logged)
	tr.execute(events.ResumeWebhook{WebhookID: sub.ID})
	if g := rcv.next(t); g.id != held {
		t.Fatalf("after the resume got %s, want the held %s", g.id, held)
	}
	if got := tr.webhookEvents(tr.engine, sub.ID); strings.Join(got, " ") != "webhook_registered webhook_paused webhook_resumed" {
		t.Fatalf("the log holds %v of the webhook", got)
	}
}

func TestASubscriptionWhoseRegistrationNeverReachedTheLogDeliversNothingAndIsRemoved(t *testing.T) {
	tr := startTracker(t)
	orphan, kept := newReceiver(t, nil), newReceiver(t, nil)
	// A crash between keeping the secret and writing the registration.
	lost, err := tr.svc.Keep(t.Context(), events.NewID(), orphan.URL, []string{logged}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	tr.register(kept.URL, logged)
	want := tr.log(logged)
	if g := kept.next(t); g.id != want {
		t.Fatalf("got %s, want %s", g.id, want)
	}
	if _, _, err := tr.svc.Get(t.Context(), lost.ID); err != webhooks.ErrNotFound {
		t.Errorf("a subscription the log does not hold is read: %v", err)
	}
	tr.clock.advance(2 * time.Hour)
	tr.restart()
	if _, found, err := tr.hooks.Subscription(t.Context(), lost.ID); found || err != nil {
		t.Errorf("an abandoned subscription is still kept after a restart (%v)", err)
	}
	select {
	case g := <-orphan.got:
		t.Fatalf("a subscription the log does not hold got %s", g.id)
	default:
	}
}
