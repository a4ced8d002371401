package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cxtracker/events"
)

// Range is the part of the log a replay reads. The zero Range is the whole
// log as it stands when the replay begins.
type Range struct {
	// After is the point of the log the range starts after, with the log's
	// digest there, which the replay's digest carries on from; zero is the
	// start of the log.
	After events.Digest
	// UntilSeq ends the range at this sequence, inclusive; 0 sets no bound.
	UntilSeq uint64
	// Until ends the range at the last record stored at or before this
	// time; Before ends it at the last record stored before this time. A
	// zero time sets no bound.
	Until, Before time.Time
	// Subject narrows the range to the records on subjects that match this
	// NATS filter, such as cx.crew.<id>.>. A filtered read cannot tell
	// which of the sequences it skips were damaged, so it could not name
	// them: a filtered replay is always strict (see Options.Strict).
	Subject string
	// Follow goes on past the log's end with the records appended later,
	// until ctx ends or a bound is passed (UntilSeq: reached). It reads
	// through a consumer, which JetStream pushes records through faster
	// than a bounded read's batches (see BuildViews).
	Follow bool
}

// past reports whether rec lies after the range's end.
func (r Range) past(rec events.Record) bool {
	return r.UntilSeq > 0 && rec.Seq > r.UntilSeq ||
		!r.Until.IsZero() && rec.Stored.After(r.Until) ||
		!r.Before.IsZero() && !rec.Stored.Before(r.Before)
}

// Options are what a replay does besides applying records to its models.
type Options struct {
	// Engine, if not nil, has every record applied to its state too, and
	// the aggregate of each quarantined record marked as such, so that the
	// aggregate refuses commands: what the projector needs.
	Engine *events.Engine
	// Strict stops the replay at the first record that would be
	// quarantined, with an *events.CorruptError naming it, for an answer
	// that would be wrong without it (an entity as it stood, the API's
	// report). Otherwise such a record is skipped, listed in the Result,
	// and the replay goes on.
	Strict bool
	// Progress, if not nil, is told after each record what became of it;
	// an error from it ends the replay with that error.
	Progress func(Step) error
	// Hold, if not nil, is held while each record is applied and Progress
	// told: whoever takes it sees the engine and the models at one point
	// of the log, between two records (a checkpoint).
	Hold sync.Locker
}

// Step is what became of one record of a replay.
type Step struct {
	// Digest is the log's digest after the record; its Seq is the record's.
	Digest events.Digest
	// Quarantined says why the record, or a model's part of it, was
	// skipped; it is empty when every model applied the record.
	Quarantined []Quarantined
	// Erased is the data subject whose key the record says was erased
	// (events.ErasedSubject), "" for any other record.
	Erased string
}

// Result is what a replay read.
type Result struct {
	// Digest is the digest after the last record of the range; its Seq is
	// that record's (After's when the range held none).
	Digest events.Digest
	// Quarantined lists the records skipped, in sequence order: the first
	// maxQuarantined in full; Skipped counts them all.
	Quarantined []Quarantined
	Skipped     uint64
}

// errPastRange stops a read at the first record after the range.
var errPastRange = errors.New("past the range")

// Replay reads the range of the log and applies each record to the models
// (and to Options.Engine's state), one record at a time through the step
// every reader of the log shares (applyRecord): the projector at start-up
// and while it follows the log, verify, the reports, replay and as_of. It
// answers the digest at the range's end and what was quarantined.
//
// Two goroutines share the work, so that a rebuild uses two cores: the
// reading one takes each record from the log (the store decodes its
// envelope) and chains the digest; the applying one judges and decodes
// each record's payload (Inspect) and applies the records to the state
// and the models, in order, as they come (see handoff). Reading a record
// costs more than applying it, so the payload is decoded on the applying
// side, which keeps the two nearer even.
//
// Errors: those of events.Store's Read (or Follow), *events.CorruptError
// (strict replays), and Progress's own.
func Replay(ctx context.Context, store events.Store, r Range, models []Model, opts Options) (Result, error) {
	strict := opts.Strict || r.Subject != ""
	from := events.FromSeq(r.After.Seq + 1).Only(r.Subject)
	if !strict {
		from = from.WithDamage()
	}
	read := store.Read
	if r.Follow {
		read = store.Follow
	}
	res := Result{Digest: r.After}
	h := newHandoff()
	// A failure to apply ends the read even while it waits for records.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	applied := make(chan error, 1)
	go func() {
		err := h.applyAll(&res, opts.Engine, models, strict, opts)
		if err != nil {
			cancel()
		}
		applied <- err
	}()
	digest := r.After
	err := read(ctx, from, func(rec events.Record) error {
		if r.past(rec) {
			return errPastRange
		}
		digest = digest.Next(rec)
		if err := h.put(inspected{rec: rec, digest: digest}); err != nil {
			return err
		}
		if r.Follow && r.UntilSeq > 0 && rec.Seq >= r.UntilSeq {
			// A follow bounded by a sequence ends at it, not at the
			// next record, which may never come.
			return errPastRange
		}
		return nil
	})
	h.close()
	applyErr := <-applied
	if applyErr != nil {
		// The read stopped at it, or ended before the applying did.
		return res, applyErr
	}
	if errors.Is(err, errPastRange) {
		err = nil
	}
	return res, err
}

// inspected is a record read, with the digest after it: what the applying
// goroutine of a replay takes.
type inspected struct {
	rec    events.Record
	digest events.Digest
}

// applyAll applies the records handed over, in order, until the reading
// ends, into res: the work of a replay's applying goroutine. It stops at
// the first error (a strict replay's quarantined record, or Progress's),
// which the reading then stops at too.
func (h *handoff) applyAll(res *Result, engine *events.Engine, models []Model, strict bool, opts Options) error {
	var batch []inspected
	for {
		var ok bool
		if batch, ok = h.take(batch); !ok {
			return nil
		}
		for i := range batch {
			if err := applyOne(res, &batch[i], engine, models, strict, opts); err != nil {
				h.fail(err)
				return err
			}
		}
		clear(batch) // let the records go
	}
}

// applyOne applies one record and keeps what became of it in res.
func applyOne(res *Result, in *inspected, engine *events.Engine, models []Model, strict bool, opts Options) error {
	payload, q := Inspect(in.rec) // before the hold: a checkpoint need not wait for it
	if opts.Hold != nil {
		opts.Hold.Lock()
		defer opts.Hold.Unlock()
	}
	s := applyRecord(in.rec, payload, q, engine, models, in.digest)
	s.Erased = events.ErasedSubject(in.rec.Event)
	if strict && len(s.Quarantined) > 0 {
		return s.Quarantined[0].corrupt()
	}
	res.Digest = s.Digest
	for _, q := range s.Quarantined {
		res.Skipped++
		if len(res.Quarantined) < maxQuarantined {
			res.Quarantined = append(res.Quarantined, q)
		}
	}
	if opts.Progress != nil {
		return opts.Progress(s)
	}
	return nil
}

// applyRecord is the one step of every replay: given rec as Inspect judged
// it (its payload, or why it is quarantined) and the digest after it, it
// applies rec to the engine's state if there is one and to each model, a
// model's panic caught, and answers what was quarantined. The engine's
// state moves its positions on even for a record it cannot apply, so that
// waiting for its sequence ends and the next append on its aggregate
// expects the sequence the log holds.
func applyRecord(rec events.Record, payload events.Payload, q *Quarantined, engine *events.Engine, models []Model, after events.Digest) Step {
	s := Step{Digest: after}
	mark := func(q Quarantined) {
		if engine != nil {
			engine.Quarantine(rec.Seq, rec.Subject, q.Kind+": "+q.Reason)
		}
		s.Quarantined = append(s.Quarantined, q)
	}
	if q != nil {
		if engine != nil {
			_ = engine.ApplyDecoded(rec, nil)
		}
		mark(*q)
		return s
	}
	if engine != nil {
		// The state quarantines the aggregate itself when it fails.
		if err := engine.ApplyDecoded(rec, payload); err != nil {
			s.Quarantined = append(s.Quarantined, Quarantined{Seq: rec.Seq, Subject: rec.Subject, Type: rec.Event.Type, Kind: QuarantineUndecodable, Reason: reason(err)})
		}
	}
	for _, m := range models {
		if err := applySafely(m, rec, payload, after); err != nil {
			mark(Quarantined{Seq: rec.Seq, Subject: rec.Subject, Type: rec.Event.Type, Kind: QuarantineRejected, Reason: err.Error(), Model: m.Name()})
		}
	}
	return s
}

// applySafely turns a model's panic into its error, so that one broken
// model cannot take a replay down. A model that keeps the log's digest is
// handed the one the replay chained (after), not left to chain its own.
func applySafely(m Model, rec events.Record, payload events.Payload, after events.Digest) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if c, ok := m.(chainedModel); ok {
		return c.ApplyChained(rec, payload, after)
	}
	return m.Apply(rec, payload)
}

// chainedModel is a model that keeps the log's digest (ReportHistory): a
// replay gives it the digest after each record, which it chains anyway,
// so that the model does not hash every record a second time.
type chainedModel interface {
	Model
	ApplyChained(rec events.Record, p events.Payload, after events.Digest) error
}
