package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// timeFlag is a flag holding an RFC 3339 time.
type timeFlag struct{ t *time.Time }

func (f timeFlag) String() string {
	if f.t == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f timeFlag) Set(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time such as 2026-01-01T00:00:00Z", v)
	}
	*f.t = t
	return nil
}

// reportCmd builds the council's report for a period (business time) as
// the log knew it at --known-at (recorded time) by replaying the log,
// showing progress on stderr, and writes it to stdout.
func reportCmd(ctx context.Context, clock events.Clock, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("report", stderr)
	cfg.logFlags(fs)
	var from, to, knownAt time.Time
	fs.Var(timeFlag{&from}, "from", "RFC 3339 start of the period, by when things happened (required)")
	fs.Var(timeFlag{&to}, "to", "RFC 3339 end of the period, exclusive (default now)")
	fs.Var(timeFlag{&knownAt}, "known-at", "RFC 3339: count only the events the log recorded at or before this time (default now); the same --from, --to and --known-at give the same report forever")
	format := fs.String("format", "md", "md, json or csv")
	if err := parseFlags(fs, args, getenv); err != nil {
		return usageError{err}
	}
	if from.IsZero() {
		return usageError{fmt.Errorf("--from is required")}
	}
	if to.IsZero() {
		to = clock.Now()
	}
	if !from.Before(to) {
		return usageError{fmt.Errorf("--to must be after --from")}
	}
	if *format != "md" && *format != "json" && *format != "csv" {
		return usageError{fmt.Errorf("--format must be md, json or csv, not %q", *format)}
	}
	var (
		r   *projections.CouncilReport
		res projections.Result
	)
	err := readLog(ctx, cfg, stderr, "replaying", func(store events.Store, prog *progress) (err error) {
		now, err := projections.KnownNow(ctx, store, clock.Now())
		if err != nil {
			return err
		}
		if knownAt.IsZero() {
			knownAt = now
		} else if knownAt.After(now) {
			return usageError{fmt.Errorf("--known-at must not be after now (%s): the log may still record events before it", now.Format(time.RFC3339Nano))}
		}
		if r, res, err = projections.BuildCouncilReport(ctx, store, from, to, knownAt, projections.Options{Progress: prog.replayed}); err == nil {
			prog.Done(r.EventsRead)
		}
		return err
	})
	if err != nil {
		return err
	}
	warnQuarantined(stderr, res)
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		return r.WriteCSV(stdout)
	}
	return r.WriteMarkdown(stdout)
}
