package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/webhooks"
)

// Event types the tests subscribe to, and one they do not.
var (
	logged  = events.Type(events.KindFeedback, events.EventFeedbackLogged)
	revoked = events.Type(events.KindToken, events.EventTokenRevoked)
)

// start is 2020-03-04 12:00 UTC, the tests' pinned business time.
var start = time.Date(2020, 3, 4, 12, 0, 0, 0, time.UTC)

// clock is a pinned clock a test moves on.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock() *clock {
	c := &clock{}
	c.set(start)
	return c
}

func (c *clock) set(t time.Time)         { c.t.Store(&t) }
func (c *clock) advance(d time.Duration) { c.set(c.t.Load().Add(d)) }
func (c *clock) Clock() events.Clock     { return func() time.Time { return *c.t.Load() } }

// tracker is a store on a real embedded JetStream server with the webhook
// service delivering from it.
type tracker struct {
	t     testing.TB
	dir   string
	srv   *jetstream.Server
	store *jetstream.Store
	hooks *jetstream.Webhooks
	// engine is the write side, fed from the log as the projector feeds
	// the tracker's: webhook registrations, pauses and deletions are
	// events.
	engine *events.Engine
	svc    *webhooks.Service
	clock  *clock
	stop   context.CancelFunc
}

// startTracker starts a tracker on a fresh directory.
func startTracker(t testing.TB) *tracker {
	tr := &tracker{t: t, dir: t.TempDir(), clock: newClock()}
	tr.open()
	return tr
}

// open starts the server on the tracker's directory, the store, and the
// delivery, with short pauses between attempts.
func (tr *tracker) open() {
	t := tr.t
	tr.srv = jstest.Server(t, tr.dir)
	tr.store = jstest.Open(t, tr.srv)
	hooks, err := tr.store.Webhooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tr.hooks = hooks
	ctx, cancel := context.WithCancel(context.Background())
	tr.engine, tr.svc = tr.replica(ctx)
	tr.stop = func() { cancel(); tr.svc.Wait() }
	t.Cleanup(tr.stop)
}

// replica starts a write side and a delivery service on the tracker's
// store, as another replica of the tracker would, until ctx ends.
func (tr *tracker) replica(ctx context.Context) (*events.Engine, *webhooks.Service) {
	t := tr.t
	engine, err := events.NewEngine(tr.store, events.WithClock(tr.clock.Clock()))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = tr.store.Follow(ctx, events.FromSeq(1), func(rec events.Record) error {
			_ = engine.Apply(rec) // the tests' bare events quarantine their aggregates; nothing here reads them
			return nil
		})
	}()
	last, err := tr.store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	svc := webhooks.New(tr.hooks, webhooks.Options{Engine: engine, Clock: tr.clock.Clock(), FirstPause: 5 * time.Millisecond, MostPause: 20 * time.Millisecond,
		PausedCheck: 10 * time.Millisecond, Timeout: 5 * time.Second})
	if err := svc.Run(ctx, rawEvent); err != nil {
		t.Fatal(err)
	}
	return engine, svc
}

// execute writes cmd through the tracker's engine, as the API does, and
// wakes the subscriptions waiting for the log.
func (tr *tracker) execute(cmd events.Command) {
	tr.t.Helper()
	if _, err := tr.engine.Execute(context.Background(), cmd, events.Meta{Actor: "tester"}); err != nil {
		tr.t.Fatal(err)
	}
	tr.svc.Nudge()
}

// restart stops the delivery and the server, and starts both again on the
// same directory.
func (tr *tracker) restart() {
	tr.stop()
	tr.store.Close()
	tr.srv.Shutdown()
	tr.open()
}

// rawEvent sends the event as stored; the API's encoding is tested with
// the API (api/webhooks_test.go).
func rawEvent(_ context.Context, rec events.Record) ([]byte, error) { return rec.Raw, nil }

// log appends one event of type typ and answers its id.
func (tr *tracker) log(typ string) string {
	tr.t.Helper()
	et, _ := events.LookupEventType(typ)
	agg := events.Aggregate{Kind: et.Kind, ID: "tp1"}
	ev, err := events.NewEvent(agg, et.Name, et.Version, 1, map[string]any{"note": "webhook test"}, events.Meta{Time: start})
	if err != nil {
		tr.t.Fatal(err)
	}
	if _, err := tr.store.Append(context.Background(), agg, events.ExpectAny(), ev); err != nil {
		tr.t.Fatal(err)
	}
	return ev.ID
}

// register subscribes url to types as the API does: the secret kept,
// then the registration written.
func (tr *tracker) register(url string, types ...string) webhooks.Subscription {
	tr.t.Helper()
	sub, err := tr.svc.Keep(context.Background(), events.NewID(), url, types, "tester")
	if err != nil {
		tr.t.Fatal(err)
	}
	tr.execute(events.RegisterWebhook{WebhookID: sub.ID, URL: url, Types: types})
	return sub
}

// waitState waits until the subscription's state satisfies ok, and fails
// the test if it never does.
func (tr *tracker) waitState(id string, ok func(webhooks.State) bool) webhooks.State {
	tr.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, st, err := tr.svc.Get(context.Background(), id)
		if err != nil {
			tr.t.Fatal(err)
		}
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			tr.t.Fatalf("webhook %s never reached the state waited for; it is %+v", id, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// received is one request a receiver got.
type received struct {
	id, timestamp, signature, contentType string
	body                                  []byte
}

// receiver is a real HTTP endpoint that keeps what it gets and answers
// with answer (200 when nil).
type receiver struct {
	*httptest.Server
	got    chan received
	mu     sync.Mutex
	answer func(n int) int
	n      int
}

func newReceiver(t testing.TB, answer func(n int) int) *receiver {
	r := &receiver{got: make(chan received, 1000), answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.n++
		n := r.n
		r.mu.Unlock()
		status := http.StatusOK
		if r.answer != nil {
			status = r.answer(n)
		}
		r.got <- received{id: req.Header.Get(webhooks.HeaderID), timestamp: req.Header.Get(webhooks.HeaderTimestamp),
			signature: req.Header.Get(webhooks.HeaderSignature), contentType: req.Header.Get("Content-Type"), body: body}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

// next is the next request the receiver got; the test fails if none comes.
func (r *receiver) next(t testing.TB) received {
	t.Helper()
	select {
	case g := <-r.got:
		return g
	case <-time.After(20 * time.Second):
		t.Fatal("the receiver got nothing")
		return received{}
	}
}
