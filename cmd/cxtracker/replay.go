package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// replayCmd writes the whole program state as of a time as JSON, built by
// replaying the log into fresh views.
func replayCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("replay", stderr)
	cfg.logFlags(fs)
	var until time.Time
	fs.Var(timeFlag{&until}, "until", "RFC 3339: the state as it stood then (default: now)")
	out := fs.String("out", "", "file to write the JSON to (required; - for standard output)")
	if err := parseFlags(fs, args, getenv); err != nil {
		return usageError{err}
	}
	if *out == "" {
		return usageError{fmt.Errorf("--out is required")}
	}
	m := NewMain(cfg, nil)
	defer m.Close()
	if err := m.openLog(ctx, jetstream.OpenOnly()); err != nil {
		return err
	}
	last, err := m.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	prog := newProgress(stderr, "replaying", last)
	views, digest, err := projections.ReplayUntil(ctx, m.store, until, prog.Update)
	if err != nil {
		return err
	}
	prog.Done(digest.Seq)
	snap := views.Snapshot()
	snap.AsOf, snap.Digest = until, projections.DigestRef{Seq: digest.Seq, Digest: digest.Hex()}
	if until.IsZero() {
		snap.AsOf = time.Now().UTC()
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(snap)
}
