package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
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
// the start of the log with no checkpoint (a rebuild), twice: with the
// feedback item store kept (items=kept: the write side and every read
// model from the log, the store's items already on disk) and with it
// deleted too (items=rebuilt: everything from the log). Beside them, raw
// JetStream reads the same log through an ordered consumer, in the same
// run. Each reports ms to ready and events/s; a rebuild also its ratio to
// raw (x-raw), and the rate and ratio of its replay alone
// (replay-events/s, replay-x-raw: from the projector's start until it
// caught up, without the server's start before it).
//
// CXTRACKER_BENCH_RESTART_DIR restarts on the log a former run left in
// that data directory (a scale run's, for one) instead of writing one: its
// checkpoints are deleted by the rebuilds, and the tracker's clean
// shutdown leaves a new one.
func BenchmarkRestart(b *testing.B) {
	dir, last := benchRestartLog(b)
	ctx := context.Background()
	// restart starts the tracker on dir until ready, b.N times: from the
	// checkpoint left by the last clean shutdown, or (from "start") with
	// none, and then also without the item store when items is "rebuilt".
	//
	// A rebuild takes turns with raw JetStream reading the same log, one
	// of each in every round, and reports its rate as a ratio to raw's
	// (x-raw): on a machine shared with other work, both then meet the
	// same load.
	restart := func(b *testing.B, from, items string) {
		b.Helper()
		var raw, replay, rawCPU, replayCPU time.Duration
		for range b.N {
			if from == "start" {
				b.StopTimer()
				deleteCheckpoints(b, dir, func(jetstream.CheckpointInfo) bool { return true })
				if items == "rebuilt" {
					deleteItemStore(b, dir)
				}
				b.StartTimer()
			}
			cfg := DefaultConfig()
			cfg.Data, cfg.HTTP = dir, "127.0.0.1:0"
			m := NewMain(cfg, nil)
			if err := m.Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			replay += m.replayTook
			replayCPU += m.replayCPU
			if m.Projector().LastSeq() != last {
				b.Fatalf("ready at seq %d of %d", m.Projector().LastSeq(), last)
			}
			m.Close() // leaves a checkpoint, if it had none at the end
			if from == "start" {
				took, cpu := rawReadTimed(b, dir, last)
				raw, rawCPU = raw+took, rawCPU+cpu
			}
			b.StartTimer()
		}
		perOp := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(perOp*1000, "ms")
		b.ReportMetric(float64(last)/perOp, "events/s")
		if raw > 0 {
			rawPerOp, replayPerOp := raw.Seconds()/float64(b.N), replay.Seconds()/float64(b.N)
			b.ReportMetric(float64(last)/rawPerOp, "raw-events/s")
			b.ReportMetric(rawPerOp/perOp, "x-raw")
			b.ReportMetric(float64(last)/replayPerOp, "replay-events/s")
			b.ReportMetric(rawPerOp/replayPerOp, "replay-x-raw")
			if replayCPU > 0 {
				b.ReportMetric(rawCPU.Seconds()/replayCPU.Seconds(), "replay-cpu-x-raw")
			}
		}
	}
	b.Run("from=checkpoint", func(b *testing.B) { restart(b, "checkpoint", "kept") })
	b.Run("from=start", func(b *testing.B) {
		b.Run("items=kept", func(b *testing.B) { restart(b, "start", "kept") })
		b.Run("items=rebuilt", func(b *testing.B) { restart(b, "start", "rebuilt") })
	})
	b.Run("raw", func(b *testing.B) {
		b.StopTimer()
		var took time.Duration
		for range b.N {
			t, _ := rawReadTimed(b, dir, last)
			took += t
		}
		perOp := took.Seconds() / float64(b.N)
		b.ReportMetric(perOp*1000, "ms")
		b.ReportMetric(float64(last)/perOp, "events/s")
	})
}

// benchRestartLog answers the data directory the restart benchmark starts
// on and its log's last sequence: CXTRACKER_BENCH_RESTART_DIR's, or a new
// one of benchRestartEvents feedback items.
func benchRestartLog(b *testing.B) (string, uint64) {
	b.Helper()
	if dir := os.Getenv("CXTRACKER_BENCH_RESTART_DIR"); dir != "" {
		m := startMain(b, func(c *Config) { c.Data = dir })
		last := m.Projector().LastSeq()
		m.Close()
		b.Logf("restarting on the log of %d events in %s", last, dir)
		return dir, last
	}
	n := benchRestartEvents()
	dir := b.TempDir()
	m := startMain(b, func(c *Config) { c.Data = dir })
	ctx := context.Background()
	tps := benchTouchpoints(b, m, 12)
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
	return dir, last
}

// rawReadTimed starts a JetStream server on dir and answers how long raw
// JetStream takes to read its first n messages through an ordered
// consumer, the server's start left out, and the CPU time the process
// (the server and the reader) used meanwhile.
func rawReadTimed(b *testing.B, dir string, n uint64) (took, cpu time.Duration) {
	b.Helper()
	nc, done := bareConn(b, dir)
	defer done()
	began, cpuBegan := time.Now(), processCPU()
	if err := rawRead(context.Background(), nc, n); err != nil {
		b.Fatal(err)
	}
	return time.Since(began), processCPU() - cpuBegan
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

// deleteItemStore deletes dir's feedback item store, and its SQLite
// journal, so that the next start writes it again from the log.
func deleteItemStore(b *testing.B, dir string) {
	b.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(dir, projections.ItemStoreFile+suffix)); err != nil && !errors.Is(err, os.ErrNotExist) {
			b.Fatal(err)
		}
	}
}
