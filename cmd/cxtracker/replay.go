package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// replayCmd writes the whole program state as of a time as JSON, built by
// replaying the log into fresh views. --until is business time (what had
// happened by then); --known-at cuts by recorded time (what the log had
// recorded by then), as as_of and known_at do on the API.
func replayCmd(ctx context.Context, clock events.Clock, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("replay", stderr)
	cfg.logFlags(fs)
	var until, knownAt time.Time
	fs.Var(timeFlag{&until}, "until", "RFC 3339: the state as it stood then, counting what had happened by then (business time; default: everything)")
	fs.Var(timeFlag{&knownAt}, "known-at", "RFC 3339: count only what the log had recorded by then (recorded time; default: everything)")
	out := fs.String("out", "", "file to write the JSON to (required; - for standard output)")
	if err := parseFlags(fs, args, getenv); err != nil {
		return usageError{err}
	}
	if *out == "" {
		return usageError{fmt.Errorf("--out is required")}
	}
	var (
		views = projections.NewViews()
		res   projections.Result
	)
	defer views.Close()
	err := readLog(ctx, cfg, stderr, "replaying", func(store events.Store, prog *progress) (err error) {
		if res, err = projections.Replay(ctx, store, projections.Range{Until: knownAt}, projections.AsOf(until, views.Models()), projections.Options{Progress: prog.replayed}); err == nil {
			prog.Done(res.Digest.Seq)
		}
		return err
	})
	if err != nil {
		return err
	}
	warnQuarantined(stderr, res)
	snap := views.Snapshot()
	snap.AsOf, snap.KnownAt = until.UTC(), knownAt.UTC()
	snap.Digest = projections.DigestRef{Seq: res.Digest.Seq, Digest: res.Digest.Hex()}
	if until.IsZero() {
		snap.AsOf = clock.Now()
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
