package webhooks_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// BenchmarkWebhookDeliveryVsRaw measures webhook delivery to a receiver on
// loopback against raw JetStream consumption of the same events from the
// same server in the same run. Each op is one event: b.N events are
// appended while the receiver holds its first request, then timed from its
// release until the last arrives. The baselines consume the same events
// with a durable pull consumer of their own: "raw" acknowledging each
// (many in flight, as a plain subscriber would), and "raw-one" with one
// in flight and a confirmed acknowledgement, as each subscription's
// consumer does to keep log order. x-raw and x-raw-one are the ratios of
// delivery's rate to theirs.
func BenchmarkWebhookDeliveryVsRaw(b *testing.B) {
	n := max(b.N, 1)
	tr := startTracker(b)
	gate := make(chan struct{})
	rcv := newReceiver(b, func(int) int { <-gate; return http.StatusOK })
	tr.register(rcv.URL, logged)
	appendN(b, tr.store, n)

	b.ResetTimer()
	began := time.Now()
	close(gate)
	for range n {
		rcv.next(b)
	}
	ours := time.Since(began)
	b.StopTimer()

	raw := consume(b, tr, n, natsjs.ConsumerConfig{AckPolicy: natsjs.AckExplicitPolicy}, false)
	one := consume(b, tr, n, natsjs.ConsumerConfig{AckPolicy: natsjs.AckExplicitPolicy, MaxAckPending: 1}, true)
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	b.ReportMetric(float64(ours.Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(rate(ours), "events/s")
	b.ReportMetric(rate(raw), "raw-events/s")
	b.ReportMetric(rate(one), "raw-one-events/s")
	b.ReportMetric(rate(ours)/rate(raw), "x-raw")
	b.ReportMetric(rate(ours)/rate(one), "x-raw-one")
}

// appendN appends n feedback_logged events in atomic batches.
func appendN(b *testing.B, st *jetstream.Store, n int) {
	agg := events.Aggregate{Kind: events.KindFeedback, ID: "bench"}
	for done := 0; done < n; {
		k := min(n-done, jetstream.MaxBatch)
		evs := make([]events.Event, k)
		for i := range evs {
			ev, err := events.NewEvent(agg, events.EventFeedbackLogged, 1, 1, map[string]any{"feedback_id": events.NewID(), "score": 9}, events.Meta{Time: start})
			if err != nil {
				b.Fatal(err)
			}
			evs[i] = ev
		}
		if _, err := st.Append(context.Background(), agg, events.ExpectAny(), evs...); err != nil {
			b.Fatal(err)
		}
		done += k
	}
}

// consume times a fresh durable consumer of cfg taking n feedback_logged
// events, acknowledging each (confirmed when confirm is set).
func consume(b *testing.B, tr *tracker, n int, cfg natsjs.ConsumerConfig, confirm bool) time.Duration {
	ctx := context.Background()
	js, err := natsjs.New(jstest.Conn(b, tr.srv))
	if err != nil {
		b.Fatal(err)
	}
	stream, err := js.Stream(ctx, jetstream.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	cfg.FilterSubject = "cx.feedback.*.feedback_logged"
	cons, err := stream.CreateConsumer(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	it, err := cons.Messages()
	if err != nil {
		b.Fatal(err)
	}
	defer it.Stop()
	for range n {
		m, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		if confirm {
			err = m.DoubleAck(ctx)
		} else {
			err = m.Ack()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(began)
}
