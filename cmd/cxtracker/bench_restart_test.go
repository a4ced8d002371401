package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// benchRestartEvents is how many feedback items the restart benchmark's
// log holds: CXTRACKER_BENCH_RESTART_EVENTS, or a small default.
func benchRestartEvents() int {
	if n, err := strconv.Atoi(os.Getenv("CXTRACKER_BENCH_RESTART_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 50_000
}

// BenchmarkRestart is a restart of the tracker until it is ready, on a log
// of feedback items: from the checkpoint a clean shutdown left, and from
// the start of the log with no checkpoint (a rebuild); beside them, raw
// JetStream reading the same log through an ordered consumer, in the same
// run. Each reports ms to ready and, for the rebuild and the raw read,
// events/s.
func BenchmarkRestart(b *testing.B) {
	n := benchRestartEvents()
	dir := b.TempDir()
	m := startMain(b, func(c *Config) { c.Data = dir })
	tps := benchTouchpoints(b, m, 12)
	ctx := context.Background()
	start := time.Now()
	for sent := 0; sent < n; {
		tp := tps[(sent/events.MaxFeedbackBatch)%len(tps)]
		batch := events.LogFeedbackBatch{TouchpointID: tp}
		for i := range min(events.MaxFeedbackBatch, n-sent) {
			batch.Items = append(batch.Items, events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: tp, Metric: events.MetricNPS, Score: (sent + i) % 11,
				Source: events.SourceSurvey, Segment: "mid_market", Comment: "The agent called me back as promised and solved it on the first call."})
		}
		if _, err := m.Engine().Execute(ctx, batch, events.Meta{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
		sent += len(batch.Items)
	}
	last := m.Projector().LastSeq()
	m.Close()
	held := time.Duration(m.checkpointer.pause.Load())
	infos, _ := checkpointsIn(b, dir)
	if len(infos) == 0 || infos[0].Seq != last {
		b.Fatalf("no checkpoint at the log's end, seq %d: %v", last, infos)
	}
	b.Logf("a log of %d events written in %s; its checkpoint is %d bytes, and held the projector %s while it serialised",
		last, time.Since(start).Round(time.Millisecond), infos[0].Size, held.Round(time.Millisecond))

	restart := func(b *testing.B, from string) {
		b.Helper()
		for range b.N {
			if from == "start" {
				b.StopTimer()
				deleteCheckpoints(b, dir, func(jetstream.CheckpointInfo) bool { return true })
				b.StartTimer()
			}
			cfg := DefaultConfig()
			cfg.Data, cfg.HTTP = dir, "127.0.0.1:0"
			m := NewMain(cfg, nil)
			if err := m.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if m.Projector().LastSeq() != last {
				b.Fatalf("ready at seq %d of %d", m.Projector().LastSeq(), last)
			}
			m.Close() // leaves a checkpoint, if it had none at the end
			b.StartTimer()
		}
		perOp := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(perOp*1000, "ms")
		b.ReportMetric(float64(last)/perOp, "events/s")
	}
	b.Run("from=checkpoint", func(b *testing.B) { restart(b, "checkpoint") })
	b.Run("from=start", func(b *testing.B) { restart(b, "start") })
	b.Run("raw", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: dir})
			if err != nil {
				b.Fatal(err)
			}
			nc, err := srv.Connect()
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if err := rawRead(ctx, nc, last); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			nc.Close()
			srv.Shutdown()
			b.StartTimer()
		}
		perOp := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(perOp*1000, "ms")
		b.ReportMetric(float64(last)/perOp, "events/s")
	})
}

// rawRead reads the CX stream's first n messages through an ordered
// consumer, as raw JetStream would replay it.
func rawRead(ctx context.Context, nc *nats.Conn, n uint64) error {
	js, err := natsjs.New(nc)
	if err != nil {
		return err
	}
	cons, err := js.OrderedConsumer(ctx, jetstream.StreamName, natsjs.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	defer it.Stop()
	for i := uint64(0); i < n; i++ {
		if _, err := it.Next(); err != nil {
			return fmt.Errorf("message %d: %w", i+1, err)
		}
	}
	return nil
}
