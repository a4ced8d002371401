package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// checkpointer takes checkpoints of the tracker's state in the background
// (every so many events or minutes) and at a clean shutdown, and keeps the
// newest few in the checkpoint bucket. A checkpoint holds the projector
// only while it serialises in memory; the upload goes on beside the
// writes. A failure is logged and counted, never fatal.
type checkpointer struct {
	projector   *projections.Projector
	bucket      *jetstream.Checkpoints
	log         *slog.Logger
	clock       events.Clock
	identity    jetstream.Identity
	code        string
	everyEvents uint64
	every       time.Duration
	keep        int

	mu sync.Mutex // one checkpoint at a time
	// seq is the sequence of the newest checkpoint kept or loaded.
	seq           atomic.Uint64
	taken, failed atomic.Uint64
	size          atomic.Uint64
	pause         atomic.Int64 // nanoseconds the last checkpoint held the projector
}

// run takes a checkpoint whenever everyEvents events have been applied
// since the last one, or every has passed with any applied, until ctx
// ends or the projector stops. It begins once the projector has caught up,
// so that the start is not slowed.
func (c *checkpointer) run(ctx context.Context) {
	if c.everyEvents == 0 && c.every == 0 {
		return
	}
	if err := c.projector.WaitCaughtUp(ctx); err != nil {
		return
	}
	// base is where the last checkpoint was taken, or tried: a failed one
	// is tried again only after as many events or as long again.
	base := c.seq.Load()
	for {
		wait, cancel := ctx, context.CancelFunc(func() {})
		if c.every > 0 {
			wait, cancel = context.WithTimeout(ctx, c.every)
		}
		var err error
		if c.everyEvents > 0 {
			err = c.projector.WaitFor(wait, base+c.everyEvents)
		} else {
			<-wait.Done()
		}
		cancel()
		if ctx.Err() != nil || errors.Is(err, projections.ErrStopped) {
			return
		}
		if last := c.projector.LastSeq(); last > c.seq.Load() {
			began := time.Now()
			c.take(ctx, "periodic")
			base = max(last, c.seq.Load())
			if !c.rest(ctx, time.Since(began)) {
				return
			}
		}
	}
}

// checkpointShare is the most of the time periodic checkpoints take: one
// that took d is followed by none for (checkpointShare-1)·d. A checkpoint
// grows with the state (the write side's feedback index: 17 bytes an item),
// so at a fixed count of events apart its cost an event would grow with
// the log; resting in proportion keeps that cost bounded (a clean shutdown
// still takes one).
const checkpointShare = 20

// rest waits after a periodic checkpoint that took d, and says false if
// ctx ended meanwhile.
func (c *checkpointer) rest(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer((checkpointShare - 1) * d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// take takes a checkpoint and keeps it, logging and counting what became
// of it.
func (c *checkpointer) take(ctx context.Context, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	start := time.Now()
	cp, err := c.projector.Checkpoint()
	c.pause.Store(int64(time.Since(start)))
	if err == nil && cp == nil {
		return // nothing applied yet
	}
	var info jetstream.CheckpointInfo
	if err == nil {
		info, err = c.keepOne(ctx, cp)
	}
	if err != nil {
		c.failed.Add(1)
		c.log.Error("checkpoint failed", "why", why, "err", err)
		return
	}
	c.taken.Add(1)
	c.size.Store(info.Size)
	c.seq.Store(info.Seq)
	c.log.Info("checkpoint kept", "why", why, "name", info.Name, "seq", info.Seq, "bytes", info.Size,
		"held", time.Duration(c.pause.Load()).Round(time.Millisecond), "took", time.Since(start).Round(time.Millisecond))
	if gone, err := c.bucket.Prune(ctx, c.keep); err != nil {
		c.log.Warn("older checkpoints were not deleted", "err", err)
	} else if len(gone) > 0 {
		c.log.Debug("older checkpoints deleted", "names", gone)
	}
}

// keepOne stamps a checkpoint with the log, the code and the time, and
// stores it.
func (c *checkpointer) keepOne(ctx context.Context, cp *projections.Checkpoint) (jetstream.CheckpointInfo, error) {
	cp.Code, cp.Stream, cp.StreamCreated, cp.Created = c.code, c.identity.Stream, c.identity.Created, c.clock.Now().UTC()
	return c.bucket.Keep(ctx, jetstream.CheckpointInfo{Seq: cp.Seq, Digest: cp.Digest, Format: cp.Format, Code: cp.Code, Created: cp.Created}, cp)
}

// final takes the checkpoint of a clean shutdown, once the projector has
// stopped, unless the newest one is at its sequence already.
func (c *checkpointer) final(ctx context.Context) {
	if c != nil && c.projector.LastSeq() > c.seq.Load() {
		c.take(ctx, "shutdown")
	}
}

// metrics serve on /metrics what became of the checkpoints.
func (c *checkpointer) metrics() []prometheus.Collector {
	counter := func(name, help string, v *atomic.Uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	gauge := func(name, help string, value func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value)
	}
	return []prometheus.Collector{
		counter("cxtracker_checkpoints_taken_total", "Checkpoints of the state taken and kept since start.", &c.taken),
		counter("cxtracker_checkpoints_failed_total", "Checkpoints of the state that failed since start (each is logged).", &c.failed),
		gauge("cxtracker_checkpoint_seq", "Log sequence of the newest checkpoint kept or loaded.", func() float64 { return float64(c.seq.Load()) }),
		gauge("cxtracker_checkpoint_bytes", "Size of the last checkpoint kept.", func() float64 { return float64(c.size.Load()) }),
		gauge("cxtracker_checkpoint_hold_seconds", "How long the last checkpoint held the projector while it serialised.",
			func() float64 { return time.Duration(c.pause.Load()).Seconds() }),
	}
}

// codeVersion is the version of the code that takes a checkpoint, for
// information: the module's version and its VCS revision when the build
// recorded them.
func codeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Path + " " + bi.Main.Version
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			v += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v
}

// restoreNewest loads the newest checkpoint this start can trust into a
// fresh engine, views and projector (newReadSide), and answers which it
// loaded, or nil when the whole log is to be replayed. Each checkpoint it
// cannot trust (of another format, damaged, of another log, or one the log
// does not continue) is skipped with one log line, and the next older is
// tried.
func (m *Main) restoreNewest(ctx context.Context, bucket *jetstream.Checkpoints, id jetstream.Identity) (*jetstream.CheckpointInfo, error) {
	list, err := bucket.List(ctx)
	if err != nil {
		m.Logger.Warn("the checkpoints could not be listed; replaying the whole log", "err", err)
		return nil, nil
	}
	for _, info := range list {
		err := m.tryCheckpoint(ctx, bucket, id, info)
		if err == nil {
			return &info, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.Logger.Warn("checkpoint skipped", "name", info.Name, "seq", info.Seq, "reason", err)
		if err := m.newReadSide(); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// tryCheckpoint checks one checkpoint against this code and the log and
// loads it into the read side, or says why it cannot be trusted.
func (m *Main) tryCheckpoint(ctx context.Context, bucket *jetstream.Checkpoints, id jetstream.Identity, info jetstream.CheckpointInfo) error {
	if info.Format != projections.CheckpointFormat {
		return fmt.Errorf("saved in format %d by %s; this version reads format %d", info.Format, info.Code, projections.CheckpointFormat)
	}
	if info.Seq > id.LastSeq {
		return fmt.Errorf("taken at seq %d, past the log's end at %d", info.Seq, id.LastSeq)
	}
	began := time.Now()
	data, err := bucket.Load(ctx, info)
	if err != nil {
		return err
	}
	cp, err := projections.ReadCheckpoint(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if err := sameCheckpoint(cp, info, id); err != nil {
		return err
	}
	if err := continues(ctx, m.store, cp); err != nil {
		return err
	}
	read := time.Since(began)
	if err := m.projector.Restore(cp); err != nil {
		return err
	}
	m.Logger.Info("checkpoint loaded", "name", info.Name, "seq", info.Seq, "bytes", info.Size, "code", info.Code,
		"read", read.Round(time.Millisecond), "loaded", (time.Since(began) - read).Round(time.Millisecond))
	return nil
}

// sameCheckpoint checks that the checkpoint is the one its metadata
// describes, and of this log.
func sameCheckpoint(cp *projections.Checkpoint, info jetstream.CheckpointInfo, id jetstream.Identity) error {
	switch {
	case cp.Seq != info.Seq || cp.Digest != info.Digest:
		return fmt.Errorf("it holds seq %d digest %s, its metadata says seq %d digest %s", cp.Seq, cp.Digest, info.Seq, info.Digest)
	case cp.Stream != id.Stream || !cp.StreamCreated.Equal(id.Created):
		return fmt.Errorf("it was taken on stream %s created %s, not on this one, %s created %s",
			cp.Stream, stamp(cp.StreamCreated), id.Stream, stamp(id.Created))
	}
	return nil
}

// errFound stops a read at the record it looked for.
var errFound = errors.New("found")

// continues checks that the log holds, at the checkpoint's sequence, the
// record whose digest chains the checkpoint's digest before it onto its
// digest there: the log it was taken on, up to that record.
func continues(ctx context.Context, store events.Store, cp *projections.Checkpoint) error {
	at, err := cp.At()
	if err != nil {
		return err
	}
	before, err := cp.BeforeAt()
	if err != nil {
		return err
	}
	var got *events.Record
	err = store.Read(ctx, events.FromSeq(at.Seq).WithDamage(), func(rec events.Record) error {
		got = &rec
		return errFound
	})
	switch {
	case err != nil && !errors.Is(err, errFound):
		return fmt.Errorf("read the log at seq %d: %w", at.Seq, err)
	case got == nil || got.Seq != at.Seq:
		return fmt.Errorf("the log holds no record at seq %d", at.Seq)
	case before.Next(*got) != at:
		return fmt.Errorf("the log's record at seq %d does not continue the checkpoint's digest chain: the log changed since", at.Seq)
	}
	return nil
}
