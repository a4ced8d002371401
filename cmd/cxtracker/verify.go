package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"cxtracker/events"
	"cxtracker/projections"
)

// digestFlags collects repeated --digest SEQ:HEX values.
type digestFlags []events.Digest

func (d *digestFlags) String() string { return fmt.Sprint(*d) }
func (d *digestFlags) Set(v string) error {
	dg, err := events.ParseDigest(v)
	if err != nil {
		return err
	}
	*d = append(*d, dg)
	return nil
}

// errVerifyFailed marks a log that did not verify, as distinct from a
// verification that could not run.
var errVerifyFailed = errors.New("the event log did not verify")

// verifyCmd replays the whole log and checks that sequences have no gap,
// every event decodes (envelope and payload, through the upcasters), and the
// running digest matches every --digest given. It names every record that
// would be quarantined, and the first sequence where a digest differs.
func verifyCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	fs := newFlagSet("verify", stderr)
	cfg.logFlags(fs)
	var want digestFlags
	fs.Var(&want, "digest", "SEQ:HEX a digest kept from GET /v1/audit/digest or a report; repeat for several")
	if err := parseFlags(fs, args, getenv); err != nil {
		return usageError{err}
	}
	var res events.Digest
	var checked int
	err := readLog(ctx, cfg, stderr, "verifying", func(store events.Store, prog *progress) error {
		kept, wrong, err := checkpointsToVerify(ctx, store, stderr)
		if err != nil {
			return err
		}
		res, err = verifyLog(ctx, store, want, kept, prog)
		var differ checkpointsDiffer
		if errors.As(err, &differ) {
			wrong, err = append(wrong, differ...), nil
		}
		if err == nil && len(wrong) > 0 {
			err = fmt.Errorf("%w: %s", errVerifyFailed, strings.Join(wrong, "; "))
		}
		checked = len(kept)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified %d events: no gap, all decode, %d digests match, %d checkpoints match; digest %s\n", res.Seq, len(want), checked, res)
	return nil
}

// checkpointsDiffer names the checkpoints that differ from the log, when
// the log itself verified.
type checkpointsDiffer []string

func (c checkpointsDiffer) Error() string { return strings.Join(c, "; ") }

// verifyLog checks the log against the digests and answers its digest. It
// replays the whole log, judging each record as the projector does, and
// names every record that would be quarantined. With checkpoints kept, the
// replay goes into an engine and every read model, and each checkpoint is
// compared with the state at its sequence (checkpointsDiffer names those
// that differ); without, into no model.
func verifyLog(ctx context.Context, store events.Store, want []events.Digest, kept []keptCheckpoint, prog *progress) (events.Digest, error) {
	sort.Slice(want, func(i, j int) bool { return want[i].Seq < want[j].Seq })
	byseq := make(map[uint64]events.Digest, len(want))
	for _, w := range want {
		byseq[w.Seq] = w
	}
	var good uint64 // the last sequence of a matching digest
	step := func(s projections.Step) error {
		d := s.Digest
		if w, ok := byseq[d.Seq]; ok {
			if w.Sum != d.Sum {
				return fmt.Errorf("%w: the log differs at a sequence from %d to %d: at seq %d its digest is %s, not %s",
					errVerifyFailed, good+1, d.Seq, d.Seq, d.Hex(), w.Hex())
			}
			good = d.Seq
		}
		return prog.replayed(s)
	}
	var res projections.Result
	var differ []string
	var err error
	if len(kept) > 0 {
		res, differ, err = replayCheckpointing(ctx, store, kept, step)
	} else {
		res, err = projections.Replay(ctx, store, projections.Range{}, nil, projections.Options{Progress: step})
	}
	d := res.Digest
	prog.Done(d.Seq)
	var gap *events.GapError
	switch {
	case errors.As(err, &gap):
		return d, fmt.Errorf("%w: seq %d is missing (the log goes from %d to %d)", errVerifyFailed, gap.After+1, gap.After, gap.Got)
	case err != nil:
		return d, err
	case res.Skipped > 0:
		return d, fmt.Errorf("%w: %d records would be quarantined: %s", errVerifyFailed, res.Skipped, quarantineLines(res.Quarantined, res.Skipped, len(res.Quarantined)))
	}
	if len(want) > 0 && want[len(want)-1].Seq > d.Seq {
		for _, w := range want {
			if w.Seq > d.Seq {
				return d, fmt.Errorf("%w: the log ends at seq %d, before seq %d of a digest given", errVerifyFailed, d.Seq, w.Seq)
			}
		}
	}
	if len(differ) > 0 {
		return d, checkpointsDiffer(differ)
	}
	return d, nil
}
