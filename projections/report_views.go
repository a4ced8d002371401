package projections

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"cxtracker/events"
)

// reportReplays counts the reports CouncilReportOf left to a replay.
var reportReplays atomic.Uint64

// CouncilReportOf builds the council report for [from, to) (business
// time) as the log knew it at knownAt (recorded time) from the read models
// the projector keeps, byte for byte the report BuildCouncilReport builds
// by replaying the log from sequence 1, without that replay:
//
//   - the report ends where a replay up to knownAt would: at the last
//     record the log stored at or before knownAt (last); before is the
//     last record stored before knownAt's day (UTC);
//   - the records up to before that are not feedback come from the report
//     history (ReportHistory), the follow-ups open at before (as of to)
//     too, and are applied as a replay would (by business time);
//   - the feedback up to before comes from the feedback model's daily
//     cells (by the day it occurred and the day the log stored it), and,
//     for the days of the previous period's start, from and to, from its
//     item store, with before as the cut-off;
//   - the records after before, up to last (at most a day's), are read
//     from the log and applied as a replay would, and the log's digest at
//     last is carried on from the newest one the history kept at or before
//     before.
//
// It falls back to the replay (counted by reportReplays) where it cannot
// say what the replay would: a range holding a record the history could
// not take in (one that does not decode, which the replay refuses and
// answers for), a feedback model whose item store failed, and a kept
// record that no longer decodes.
func CouncilReportOf(ctx context.Context, store events.Store, p *Projector, v *Views, from, to, knownAt time.Time) (*CouncilReport, error) {
	if err := checkPeriod(from, to, knownAt); err != nil {
		return nil, err
	}
	from, to, knownAt = from.UTC(), to.UTC(), knownAt.UTC()
	replay := func() (*CouncilReport, error) {
		reportReplays.Add(1)
		r, _, err := BuildCouncilReport(ctx, store, from, to, knownAt, Options{Strict: true})
		return r, err
	}
	target, err := store.LastSeq(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.WaitFor(ctx, target); err != nil {
		return nil, err
	}
	past, found, err := firstStoredAt(ctx, store, knownAt.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	day := dayOf(knownAt)
	// Between two records, so that the history and the daily cells are at
	// one point of the log.
	p.hold.Lock()
	last := p.LastSeq()
	if found && past-1 < last {
		last = past - 1
	} else {
		// Known at or after everything the views hold: the daily cells and
		// the history answer for all of it, today's records too, and none
		// is read from the log (after an import of a million items today,
		// that would be a replay).
		day++
	}
	cut := v.History.cut(last, day, to)
	bounds := []time.Time{PreviousPeriod(from, to), from, to}
	upTo, touchpoints := v.Feedback.dayFigures(day, dayOf(bounds[0]), dayOf(from), dayOf(to))
	settled := v.History.lastStored()
	p.hold.Unlock()
	if cut.gap != 0 && cut.gap <= last || v.Feedback.Err() != nil {
		return replay()
	}
	if err := v.Feedback.partDays(touchpoints, cut.before, bounds, upTo); err != nil {
		return nil, err
	}

	b := newReportBuilder(from, to, knownAt)
	b.settled = settled
	for _, k := range cut.records {
		rec, err := events.ReadRecord(k.Seq, k.Subject, k.Stored, k.Raw)
		if err != nil {
			return replay()
		}
		// Kept as stored, sealed: opened as the store's readers open.
		if o, ok := store.(events.RecordOpener); ok {
			if err := o.OpenRecord(&rec); err != nil {
				return nil, err
			}
		}
		payload, q := Inspect(rec)
		if q != nil {
			return replay()
		}
		if err := b.Apply(rec, payload); err != nil {
			return nil, err
		}
	}
	for _, id := range cut.open {
		b.openFollow[id] = true
	}
	// The period's own feedback, and the previous period's, are what the
	// running totals at the bounds differ by.
	for id, tp := range b.touchpoints {
		tp.previous, tp.current = upTo[1][id].Less(upTo[0][id]), upTo[2][id].Less(upTo[1][id])
	}
	d := cut.from
	if d.Seq < last {
		err := store.Read(ctx, events.FromSeq(d.Seq+1), func(rec events.Record) error {
			if rec.Seq > last {
				return errPastRange
			}
			d = d.Next(rec)
			if rec.Seq <= cut.before {
				return nil
			}
			payload, q := Inspect(rec)
			if q != nil {
				return q.corrupt()
			}
			return b.Apply(rec, payload)
		})
		if err != nil && !errors.Is(err, errPastRange) {
			return nil, err
		}
	}
	if d.Seq != last {
		return replay()
	}
	r, err := b.report(v.Feedback)
	if err != nil {
		return nil, err
	}
	r.Digest = DigestRef{Seq: last, Digest: d.Hex()}
	r.EventsRead = last
	return r, nil
}

// firstStoredAt is the sequence of the first record the log stored at or
// after t, and false when there is none.
func firstStoredAt(ctx context.Context, store events.Store, t time.Time) (uint64, bool, error) {
	var seq uint64
	err := store.Read(ctx, events.FromTime(t).WithDamage(), func(rec events.Record) error {
		seq = rec.Seq
		return errPastRange
	})
	if err != nil && !errors.Is(err, errPastRange) {
		return 0, false, err
	}
	return seq, seq != 0, nil
}
