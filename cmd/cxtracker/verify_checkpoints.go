package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// keptCheckpoint is a kept checkpoint that verify checks against the log.
type keptCheckpoint struct {
	info jetstream.CheckpointInfo
	cp   *projections.Checkpoint
}

// checkpointsToVerify reads every kept checkpoint of the log store holds
// (a store other than JetStream keeps none). It answers those to check
// against a replay, and names those found wrong already: damaged, of
// another log, or past the log's end. One of another format is not
// checked, and said so on stderr.
func checkpointsToVerify(ctx context.Context, store events.Store, stderr io.Writer) ([]keptCheckpoint, []string, error) {
	js, ok := store.(*jetstream.Store)
	if !ok {
		return nil, nil, nil
	}
	bucket, err := js.Checkpoints(ctx)
	if err != nil {
		return nil, nil, err
	}
	list, err := bucket.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := js.Identity(ctx)
	if err != nil {
		return nil, nil, err
	}
	var kept []keptCheckpoint
	var wrong []string
	for _, info := range list {
		if info.Format != projections.CheckpointFormat {
			fmt.Fprintf(stderr, "checkpoint %s (seq %d) not checked: saved in format %d by %s, this version reads format %d\n",
				info.Name, info.Seq, info.Format, info.Code, projections.CheckpointFormat)
			continue
		}
		if info.Seq > id.LastSeq {
			wrong = append(wrong, fmt.Sprintf("checkpoint %s is at seq %d, past the log's end at %d", info.Name, info.Seq, id.LastSeq))
			continue
		}
		data, err := bucket.Load(ctx, info)
		var cp *projections.Checkpoint
		if err == nil {
			cp, err = projections.ReadCheckpoint(bytes.NewReader(data))
		}
		if err == nil {
			err = sameCheckpoint(cp, info, id)
		}
		if err != nil {
			wrong = append(wrong, fmt.Sprintf("checkpoint %s (seq %d) cannot be trusted: %v", info.Name, info.Seq, err))
			continue
		}
		kept = append(kept, keptCheckpoint{info: info, cp: cp})
	}
	return kept, wrong, nil
}

// replayCheckpointing replays the whole log into an engine and every read
// model, as the tracker does, and compares the state it reaches at each
// kept checkpoint's sequence with the checkpoint, naming each that
// differs and what differs in it.
func replayCheckpointing(ctx context.Context, store events.Store, kept []keptCheckpoint, step func(projections.Step) error) (projections.Result, []string, error) {
	engine, err := events.NewEngine(store)
	if err != nil {
		return projections.Result{}, nil, err
	}
	views := projections.NewViews()
	defer views.Close()
	p := projections.NewProjector(store, engine, slog.New(slog.DiscardHandler), views.Models()...)
	at := map[uint64][]keptCheckpoint{}
	for _, k := range kept {
		at[k.info.Seq] = append(at[k.info.Seq], k)
	}
	var wrong []string
	res, err := p.Rebuild(ctx, func(seq uint64) bool { return len(at[seq]) > 0 }, func(c *projections.Checkpoint) error {
		for _, k := range at[c.Seq] {
			if diff := c.Differences(k.cp); len(diff) > 0 {
				wrong = append(wrong, fmt.Sprintf("checkpoint %s (seq %d) differs from the log: %s", k.info.Name, k.info.Seq, strings.Join(diff, "; ")))
			}
		}
		return nil
	}, step)
	return res, wrong, err
}
