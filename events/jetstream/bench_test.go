package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// benchGoroutines are the concurrencies the issue asks the log to be measured at.
var benchGoroutines = []int{1, 16, 256}

// benchEvent is an event of the size and shape of a real one: a feedback
// item with a comment.
func benchEvent(tb testing.TB, agg events.Aggregate, version uint64) events.Event {
	tb.Helper()
	e, err := events.NewEvent(agg, "feedback_logged", 1, version, map[string]any{
		"feedback_id": events.NewID(), "touchpoint_id": agg.ID, "metric": "nps", "score": 9,
		"comment": "The onboarding call was quick and the agent knew my account.", "segment": "smb", "source": "survey",
	}, events.Meta{Actor: events.NewID(), CorrelationID: events.NewID()})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// pairedSlices is how many slices of raw publishing and of our Append a
// paired benchmark alternates.
const pairedSlices = 10

// sliceRounds is the fewest appends each goroutine makes in one of our
// slices. Without it the testing package, which first runs b.N = 1, can
// settle on a b.N of a few hundred: a slice of 20 appends leaves most of 256
// goroutines idle, and its ratio says nothing about 256 writers. A slice's
// first and last rounds are ragged (the writers start and stop one by one),
// so a slice holds eight, and those two weigh a quarter of it.
const sliceRounds = 8

// BenchmarkAppendVsRaw measures our Append against raw JetStream publish
// side by side: on one server and stream, in alternating slices, the two
// taking turns to go first. A shared 2-core machine drifts by a fifth within
// seconds; slices a fraction of a second apart see the same disk, so the
// ratio of each pair is far steadier than rates taken in separate runs.
// Our slices hold b.N/pairedSlices appends each, and at least sliceRounds
// appends per goroutine, so that every writer is busy for the whole slice
// even at a small b.N; each raw slice lasts as long as the last of ours
// (ns/op counts both, per append of ours).
//
// Raw: each goroutine publishes a ready-made event synchronously, one
// request each, to a subject of its own. Ours: each goroutine appends a
// fresh event to its own aggregate with the expected last sequence, as
// commands do. Reported: the medians of the slices' rates and of the pairs'
// ratios (x-raw), and how group commit went (appends per atomic batch, the
// share of appends published plainly).
func BenchmarkAppendVsRaw(b *testing.B) {
	for _, g := range benchGoroutines {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			srv := jstest.Server(b, b.TempDir())
			st := jstest.Open(b, srv)
			raw := rawPublisher(b, srv, g)
			ours := appender(b, st, g)
			per := max(b.N/pairedSlices, sliceRounds*g)
			var rawRates, ourRates, ratios []float64
			var took time.Duration
			b.ResetTimer()
			for i := range pairedSlices {
				var r, o float64
				if i%2 == 0 {
					o, took = slice(g, per, 0, ours)
					r, _ = slice(g, 0, took, raw)
				} else {
					r, _ = slice(g, 0, max(took, time.Millisecond), raw)
					o, took = slice(g, per, 0, ours)
				}
				rawRates, ourRates, ratios = append(rawRates, r), append(ourRates, o), append(ratios, o/r)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(per*pairedSlices), "ns/op")
			b.ReportMetric(median(rawRates), "raw-events/s")
			b.ReportMetric(median(ourRates), "events/s")
			b.ReportMetric(median(ratios), "x-raw")
			cs := st.CommitStats()
			b.ReportMetric(float64(cs.BatchedAppends)/float64(max(cs.Batches, 1)), "appends/batch")
			b.ReportMetric(float64(cs.PlainAppends)/float64(max(cs.BatchedAppends+cs.PlainAppends, 1)), "plain-share")
		})
	}
}

// slice runs op from g goroutines, each waiting for one to finish before
// starting the next: n operations in all, or as many as start within d. It
// returns their rate per second and how long they took.
func slice(g, n int, d time.Duration, op func(worker int) error) (float64, time.Duration) {
	var started, done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	more := func() bool {
		if d > 0 {
			return time.Since(start) < d
		}
		return started.Add(1) <= int64(n)
	}
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for more() {
				if op(w) != nil {
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	return float64(done.Load()) / took.Seconds(), took
}

// rawPublisher is the baseline: JetStream synchronous publish of a
// ready-made event, one request per event, worker w to a subject of its own.
func rawPublisher(b *testing.B, srv *jetstream.Server, g int) func(int) error {
	js, err := natsjs.New(jstest.Conn(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	ev := benchEvent(b, events.Aggregate{Kind: "feedback", ID: events.NewID()}, 1)
	data, err := ev.Encode()
	if err != nil {
		b.Fatal(err)
	}
	subjects := make([]string, g)
	for w := range subjects {
		subjects[w] = fmt.Sprintf("cx.feedback.raw%d.feedback_logged", w)
	}
	ctx := context.Background()
	return func(w int) error {
		_, err := js.Publish(ctx, subjects[w], data)
		if err != nil {
			b.Error(err)
		}
		return err
	}
}

// appender is our Append: worker w appends a fresh event to its own
// aggregate with its expected last sequence.
func appender(b *testing.B, st *jetstream.Store, g int) func(int) error {
	type writer struct {
		agg     events.Aggregate
		tmpl    events.Event
		version uint64
		expect  events.Expect
	}
	writers := make([]writer, g)
	for w := range writers {
		agg := events.Aggregate{Kind: "feedback", ID: events.NewID()}
		writers[w] = writer{agg: agg, tmpl: benchEvent(b, agg, 1), expect: events.ExpectNew()}
	}
	ctx := context.Background()
	return func(w int) error {
		wr := &writers[w]
		ev := wr.tmpl
		ev.ID, ev.AggregateVersion = events.NewID(), wr.version+1
		res, err := st.Append(ctx, wr.agg, wr.expect, ev)
		if err != nil {
			b.Error(err)
			return err
		}
		wr.version++
		wr.expect = events.ExpectSeq(res.LastSeq)
		return nil
	}
}

// median returns the median of xs.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// replayEvents is how many events the replay benchmarks read.
const replayEvents = 200_000

// BenchmarkReplay reads a log of 200,000 events from the start: through a
// raw ordered consumer, through our bounded reader (batched direct get),
// which also checks sequences and decodes every event, and through our
// follower (an ordered consumer), as the projector replays at start-up.
func BenchmarkReplay(b *testing.B) {
	srv := jstest.Server(b, b.TempDir())
	st := jstest.Open(b, srv)
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agg := events.Aggregate{Kind: "feedback", ID: fmt.Sprintf("partition%d", p)}
			for range replayEvents / 8 / 500 {
				evs := make([]events.Event, 500)
				for i := range evs {
					evs[i] = benchEvent(b, agg, 1)
				}
				if _, err := st.Append(ctx, agg, events.ExpectAny(), evs...); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	last, err := st.LastSeq(ctx)
	if err != nil || last != replayEvents {
		b.Fatalf("log holds %d events (%v), want %d", last, err, replayEvents)
	}
	js, err := natsjs.New(jstest.Conn(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N)*replayEvents/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("raw", func(b *testing.B) {
		for range b.N {
			cons, err := js.OrderedConsumer(ctx, jetstream.StreamName, natsjs.OrderedConsumerConfig{})
			if err != nil {
				b.Fatal(err)
			}
			it, err := cons.Messages()
			if err != nil {
				b.Fatal(err)
			}
			for n := 0; n < replayEvents; n++ {
				if _, err := it.Next(); err != nil {
					b.Fatal(err)
				}
			}
			it.Stop()
		}
		report(b)
	})
	b.Run("reader", func(b *testing.B) {
		for range b.N {
			n := 0
			if err := st.Read(ctx, events.FromSeq(1), func(events.Record) error { n++; return nil }); err != nil || n != replayEvents {
				b.Fatalf("read %d events (%v)", n, err)
			}
		}
		report(b)
	})
	b.Run("follower", func(b *testing.B) {
		for range b.N {
			n := 0
			fctx, caught := context.WithCancel(ctx)
			err := st.Follow(fctx, events.FromSeq(1), func(events.Record) error {
				if n++; n == replayEvents {
					caught()
				}
				return nil
			})
			caught()
			if n != replayEvents || !errors.Is(err, context.Canceled) {
				b.Fatalf("followed %d events (%v)", n, err)
			}
		}
		report(b)
	})
}
