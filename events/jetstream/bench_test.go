package jetstream_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// benchGoroutines are the concurrencies the issue asks the log to be measured at.
var benchGoroutines = []int{16, 256}

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

// concurrently runs b.N operations spread over g goroutines; op gets the
// goroutine's number.
func concurrently(b *testing.B, g int, op func(worker int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				op(w)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRawPublish is the baseline: JetStream synchronous publish of
// ready-made events, one request per event, on the same stream settings.
func BenchmarkRawPublish(b *testing.B) {
	for _, g := range benchGoroutines {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			srv := jstest.Server(b, b.TempDir())
			jstest.Open(b, srv) // creates the CX stream
			js, err := natsjs.New(jstest.Conn(b, srv))
			if err != nil {
				b.Fatal(err)
			}
			agg := events.Aggregate{Kind: "feedback", ID: events.NewID()}
			ev := benchEvent(b, agg, 1)
			data, _ := ev.Encode()
			ctx := context.Background()
			concurrently(b, g, func(w int) {
				if _, err := js.Publish(ctx, fmt.Sprintf("cx.feedback.w%d.feedback_logged", w), data); err != nil {
					b.Error(err)
				}
			})
		})
	}
}

// BenchmarkAppend is our Append: each goroutine appends to its own
// aggregate with its expected last sequence, as commands do.
func BenchmarkAppend(b *testing.B) {
	for _, g := range benchGoroutines {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			st := jstest.Start(b)
			ctx := context.Background()
			// Each goroutine touches only its own entries.
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
			concurrently(b, g, func(w int) {
				wr := &writers[w]
				wr.version++
				ev := wr.tmpl
				ev.ID, ev.AggregateVersion = events.NewID(), wr.version
				res, err := st.Append(ctx, wr.agg, wr.expect, ev)
				if err != nil {
					b.Error(err)
					return
				}
				wr.expect = events.ExpectSeq(res.LastSeq)
			})
			// How group commit went: appends per atomic batch, and the
			// share of appends published plainly.
			cs := st.CommitStats()
			b.ReportMetric(float64(cs.BatchedAppends)/float64(max(cs.Batches, 1)), "appends/batch")
			b.ReportMetric(float64(cs.PlainAppends)/float64(max(cs.BatchedAppends+cs.PlainAppends, 1)), "plain-share")
		})
	}
}

// replayEvents is how many events the replay benchmarks read.
const replayEvents = 200_000

// BenchmarkReplay reads a log of 200,000 events from the start: through a
// raw ordered consumer, and through our reader, which also checks sequences
// and decodes every event.
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
}
