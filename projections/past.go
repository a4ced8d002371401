package projections

import (
	"context"
	"errors"
	"slices"
	"time"

	"cxtracker/events"
)

// Cut is a point of the log on both axes of time: the records the log
// recorded up to Seq (recorded time: known_at, or an as_of sequence), of
// which only the events that happened at or before AsOf (business time)
// count. A zero AsOf leaves nothing out by business time.
type Cut struct {
	AsOf time.Time
	Seq  uint64
}

// HappenedAt is when the event of rec happened (business time): a feedback
// item's occurred_at, and every other event's time.
func HappenedAt(rec events.Record, p events.Payload) time.Time {
	if f, ok := p.(events.FeedbackLogged); ok && !f.OccurredAt.IsZero() {
		return f.OccurredAt.UTC()
	}
	return rec.Event.Time.UTC()
}

// asOfModel is a model that leaves out the events that happened after
// asOf. Within an aggregate, business time does not go back (a write may
// not be dated before its aggregate's previous event), so what an
// aggregate keeps is its state at asOf.
type asOfModel struct {
	Model
	asOf time.Time
}

// Apply implements Model.
func (m asOfModel) Apply(rec events.Record, p events.Payload) error {
	if HappenedAt(rec, p).After(m.asOf) {
		return nil
	}
	return m.Model.Apply(rec, p)
}

// AsOf is the models, each leaving out what happened after at; a zero at
// leaves them as they are.
func AsOf(at time.Time, models []Model) []Model {
	if at.IsZero() {
		return models
	}
	out := make([]Model, len(models))
	for i, m := range models {
		out[i] = asOfModel{Model: m, asOf: at}
	}
	return out
}

// SeqKnownAt is the last sequence the log recorded at or before t (0
// when it recorded none by then), at most last.
func SeqKnownAt(ctx context.Context, store events.Store, t time.Time, last uint64) (uint64, error) {
	past, found, err := firstStoredAt(ctx, store, t.Add(time.Nanosecond))
	if err != nil {
		return 0, err
	}
	if found && past-1 < last {
		return past - 1, nil
	}
	return last, nil
}

// BuildViews replays the log up to the cut into fresh views (their
// feedback items in memory): every read model as it stood at the cut.
// Records quarantined are skipped, as the projector skips them. Close the
// views when done.
func BuildViews(ctx context.Context, store events.Store, cut Cut) (*Views, events.Digest, error) {
	v := NewViews()
	d, err := advanceViews(ctx, store, v, cut.AsOf, events.Digest{}, cut.Seq)
	if err != nil {
		v.Close()
		return nil, events.Digest{}, err
	}
	return v, d, nil
}

// advanceViews applies the records after `after` up to seq to the views,
// leaving out what happened after asOf, and answers the digest at seq.
func advanceViews(ctx context.Context, store events.Store, v *Views, asOf time.Time, after events.Digest, seq uint64) (events.Digest, error) {
	if seq <= after.Seq {
		return after, nil
	}
	// Every model but the report history, which keeps the log's digest
	// and has no use at a cut: reports cut the log themselves.
	models := slices.DeleteFunc(v.Models(), func(m Model) bool { return m == Model(v.History) })
	// A bounded read asks the stream for one batch at a time; a follow
	// has the records pushed through a consumer, which read the log in
	// about two thirds of the time (BenchmarkTimeTravel, read against
	// follow). It must end at seq, so the log must hold seq.
	last, err := store.LastSeq(ctx)
	if err != nil {
		return events.Digest{}, err
	}
	if last < seq {
		return events.Digest{}, errLogEnded
	}
	res, err := Replay(ctx, store, Range{After: after, UntilSeq: seq, Follow: true}, AsOf(asOf, models), Options{})
	if err != nil {
		return events.Digest{}, err
	}
	if res.Digest.Seq != seq {
		return events.Digest{}, errLogEnded
	}
	return res.Digest, nil
}

// errLogEnded says the log does not reach a cut's sequence.
var errLogEnded = errors.New("the log ended before the cut's sequence")
