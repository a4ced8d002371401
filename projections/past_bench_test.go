package projections_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/projections"
)

// benchPastItems is how many feedback items the time-travel benchmark's
// log holds (CXTRACKER_BENCH_PAST_ITEMS, 50,000 by default).
func benchPastItems() int {
	if n, err := strconv.Atoi(os.Getenv("CXTRACKER_BENCH_PAST_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 50_000
}

// BenchmarkTimeTravel is a read at as_of on a log of a program and its
// feedback, a year of it back-dated: the raw baseline (JetStream's ordered
// consumer reading the whole log), a replay into no models by a bounded
// read (read) and by a follow (follow), building the views at a cut (what
// the first read at a cut costs), building them and listing a page of
// feedback (which writes the items into SQLite: build-and-list), the views
// kept at a cut (every read after),
// and carrying kept views on by one event (a read at as_of with known_at
// now, after a write). scripts/bench.sh prints build/raw.
func BenchmarkTimeTravel(b *testing.B) {
	n := benchPastItems()
	srv, s, year := backdatedLog(b, n)
	store, ctx := s.store, context.Background()
	last, _ := store.LastSeq(ctx)
	b.Logf("log of %d events, %d feedback items", last, n)
	js, err := natsjs.New(jstest.Conn(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	cut := projections.Cut{AsOf: year.AddDate(0, 6, 0), Seq: last}
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			cons, err := js.OrderedConsumer(ctx, jetstream.StreamName, natsjs.OrderedConsumerConfig{})
			if err != nil {
				b.Fatal(err)
			}
			it, err := cons.Messages()
			if err != nil {
				b.Fatal(err)
			}
			for range last {
				if _, err := it.Next(); err != nil {
					b.Fatal(err)
				}
			}
			it.Stop()
		}
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := projections.Replay(ctx, store, projections.Range{UntilSeq: last}, nil, projections.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("follow", func(b *testing.B) {
		stop := errors.New("at the end")
		for b.Loop() {
			_, err := projections.Replay(ctx, store, projections.Range{Follow: true}, nil, projections.Options{Progress: func(s projections.Step) error {
				if s.Digest.Seq == last {
					return stop
				}
				return nil
			}})
			if !errors.Is(err, stop) {
				b.Fatal(err)
			}
		}
	})
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			v, _, err := projections.BuildViews(ctx, store, cut)
			if err != nil {
				b.Fatal(err)
			}
			_ = v.Feedback.Headline()
			v.Close()
		}
	})
	b.Run("build-and-list", func(b *testing.B) {
		for b.Loop() {
			v, _, err := projections.BuildViews(ctx, store, cut)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := v.Feedback.Items(projections.FeedbackFilter{}, "", 50); err != nil {
				b.Fatal(err)
			}
			v.Close()
		}
	})
	past := projections.NewPastViews(store, 2)
	if _, release, err := past.At(ctx, cut); err != nil {
		b.Fatal(err)
	} else {
		release()
	}
	b.Run("kept", func(b *testing.B) {
		for b.Loop() {
			v, release, err := past.At(ctx, cut)
			if err != nil {
				b.Fatal(err)
			}
			_ = v.Feedback.Headline()
			release()
		}
	})
	b.Run("carried-on-by-one-event", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s.do(events.RegisterPerson{PersonID: events.NewID(), Name: "P", Email: events.NewID() + "@example.com", Department: "Sales"})
			cut.Seq++
			b.StartTimer()
			v, release, err := past.At(ctx, cut)
			if err != nil {
				b.Fatal(err)
			}
			_ = v.Feedback.Headline()
			release()
		}
	})
}

// backdatedLog is a log of a program (see program) and n feedback items
// on its journey, back-dated evenly over the year before now (year is its
// start), logged in batches of a thousand; the JetStream server is the
// log's.
func backdatedLog(b *testing.B, n int) (srv *jetstream.Server, s *script, year time.Time) {
	srv = jstest.Server(b, b.TempDir())
	store := jstest.Open(b, srv)
	e, err := events.NewEngine(store)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = store.Follow(ctx, events.FromSeq(1), e.Apply) }()
	b.Cleanup(func() { cancel(); <-done })
	s = &script{t: b, engine: e, store: store}
	jny := program(s)
	var tps []string
	e.View(func(st *events.State) {
		j, _ := st.Journey(jny)
		for id, tp := range j.Touchpoints {
			if !tp.Retired {
				tps = append(tps, id)
			}
		}
	})
	year = time.Now().UTC().AddDate(-1, 0, 0)
	for i := 0; i < n; i += 1000 {
		batch := events.LogFeedbackBatch{TouchpointID: tps[i/1000%len(tps)]}
		for k := range min(1000, n-i) {
			batch.Items = append(batch.Items, events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: batch.TouchpointID, Metric: events.MetricNPS,
				Score: (i + k) % 11, Source: events.SourceSurvey, OccurredAt: year.Add(time.Duration(i+k) * 365 * 24 * time.Hour / time.Duration(n))})
		}
		if _, err := e.Execute(ctx, batch, events.Meta{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	return srv, s, year
}
