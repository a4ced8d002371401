package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events/jetstream"
)

// BenchmarkDecisionLog is GET /v1/council/decisions, every decision with
// its impact (what the council knew of its targets and what came of
// them), on the demo program: a year of decisions over its feedback. Its
// baseline, in the same run, is raw JetStream reading the same decisions
// from the log, each decided event by its sequence, which carry no figure
// at all. Both report reads/s, one client.
func BenchmarkDecisionLog(b *testing.B) {
	m, c := benchTracker(b)
	ctx := context.Background()
	opt := demoOptions{Seed: 1, Feedback: benchDemoFeedback(), Now: time.Now().UTC().Truncate(24 * time.Hour)}
	if _, err := loadDemo(ctx, c, opt, newDemoSteps(io.Discard)); err != nil {
		b.Fatal(err)
	}
	const path = "/v1/council/decisions?limit=200"
	var page struct {
		Items []struct {
			Decision struct {
				Seq uint64 `json:"seq"`
			} `json:"decision"`
			Impact json.RawMessage `json:"impact"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, path, nil, &page); err != nil {
		b.Fatal(err)
	}
	n := len(page.Items)
	if n == 0 || len(page.Items[0].Impact) == 0 {
		b.Fatalf("the decision log holds %d decisions, the first without impact", n)
	}
	b.Logf("%d decisions with impact, over %d feedback items", n, opt.Feedback)
	js, err := natsjs.New(m.conn)
	if err != nil {
		b.Fatal(err)
	}
	stream, err := js.Stream(ctx, jetstream.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		latencies(b, 1, func(int) error {
			for _, d := range page.Items {
				if _, err := stream.GetMsg(ctx, d.Decision.Seq); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("api", func(b *testing.B) {
		latencies(b, 1, func(int) error { return c.do(ctx, http.MethodGet, path, nil, nil) })
	})
}
