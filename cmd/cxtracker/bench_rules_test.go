package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// ruleLagLines is how many lines each import of BenchmarkRuleLag sends.
const ruleLagLines = 10_000

// BenchmarkRuleLag is how far the follow-up rules' manager falls behind a
// 10,000-line import: a rule on NPS 0-6 matches 7 lines in 11, each of
// which gets a follow-up. Each run imports the lines in one request while
// a raw JetStream durable consumer on the same feedback (acknowledging each
// message, doing nothing else) follows it too; lag-ms is how long after
// the import's answer the manager had judged every line, raw-lag-ms the
// same for the raw consumer, and x-raw the manager's rate (lines from the
// import's start until judged) over the raw consumer's.
func BenchmarkRuleLag(b *testing.B) {
	m, c := benchTracker(b)
	ctx := context.Background()
	tps := benchTouchpoints(b, m, 12)
	person := events.NewID()
	for _, cmd := range []events.Command{
		events.RegisterPerson{PersonID: person, Name: "Fay Follow", Email: "fay@example.com", Department: "Service"},
		events.DefineFollowUpRule{RuleID: events.NewID(), Terms: events.RuleTerms{Metric: events.MetricNPS, MinScore: 0, MaxScore: 6,
			Assign: events.AssignPerson, PersonID: person, DueInHours: 48}},
	} {
		if _, err := m.Engine().Execute(ctx, cmd, events.Meta{}); err != nil {
			b.Fatal(err)
		}
	}
	js, err := natsjs.New(m.conn)
	if err != nil {
		b.Fatal(err)
	}
	var lag, rawLag, rate, rawRate float64
	for run := range b.N {
		raw, err := js.CreateConsumer(ctx, "CX", natsjs.ConsumerConfig{Durable: "bench-raw-" + strconv.Itoa(run), DeliverPolicy: natsjs.DeliverNewPolicy,
			AckPolicy: natsjs.AckExplicitPolicy, FilterSubject: "cx.feedback.*.feedback_logged", MaxAckPending: 2048})
		if err != nil {
			b.Fatal(err)
		}
		var got atomic.Int64
		// The raw consumer's last message is the import's last line: the
		// sequence the manager must have judged.
		type end struct {
			at  time.Time
			seq uint64
		}
		rawDone := make(chan end, 1)
		cc, err := raw.Consume(func(msg natsjs.Msg) {
			_ = msg.Ack()
			if got.Add(1) == ruleLagLines {
				meta, _ := msg.Metadata()
				rawDone <- end{time.Now(), meta.Sequence.Stream}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		body := make([]byte, 0, ruleLagLines*200)
		for i := range ruleLagLines {
			line, _ := json.Marshal(obj{"touchpoint_id": tps[i%len(tps)], "metric": "nps", "score": i % 11, "source": "survey",
				"comment": "The agent called me back as promised.", "occurred_at": "2026-01-15T10:00:00Z"})
			body = append(append(body, line...), '\n')
		}
		began := time.Now()
		var ans importAnswer
		if err := c.send(ctx, http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body, &ans); err != nil || ans.Logged != ruleLagLines {
			b.Fatalf("import: %v, logged %d", err, ans.Logged)
		}
		imported := time.Now()
		rawEnd := <-rawDone
		rawAt := rawEnd.at
		for m.rules.Stats().Judged < rawEnd.seq {
			time.Sleep(time.Millisecond)
		}
		judged := time.Now()
		cc.Stop()
		_ = js.DeleteConsumer(ctx, "CX", "bench-raw-"+strconv.Itoa(run))
		lag += judged.Sub(imported).Seconds() * 1000
		rawLag += max(rawAt.Sub(imported), 0).Seconds() * 1000
		rate += ruleLagLines / judged.Sub(began).Seconds()
		rawRate += ruleLagLines / rawAt.Sub(began).Seconds()
	}
	n := float64(b.N)
	b.ReportMetric(lag/n, "lag-ms")
	b.ReportMetric(rawLag/n, "raw-lag-ms")
	b.ReportMetric(rate/n, "lines/s")
	b.ReportMetric(rawRate/n, "raw-lines/s")
	b.ReportMetric(rate/rawRate, "x-raw")
	b.ReportMetric(float64(m.rules.Stats().Opened)/n, "opened/run")
}
