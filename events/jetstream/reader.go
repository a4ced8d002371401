package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// readBuffer is how many messages the ordered consumer asks for at a time.
const readBuffer = 4096

// consumerIdle is how long the server keeps a reader's consumer that nobody
// pulls from. Every read deletes its consumer when it ends; this only
// reclaims the consumer of a reader that could not (its process died, or
// the delete was lost), so that such leftovers never pile up to the
// stream's consumer limit.
const consumerIdle = 30 * time.Second

// dropTimeout bounds the delete of a finished reader's consumer.
const dropTimeout = 5 * time.Second

// idleProbe is how long a whole-stream reader waits for the next message
// before it asks the stream whether it has more than was delivered. A
// message damaged on disk is counted in the stream's state but never
// delivered, and without this check the reader would wait for it forever.
// Each probe that finds nothing doubles the wait, up to maxIdleProbe, so
// that an idle follower costs the server little.
const (
	idleProbe    = time.Second
	maxIdleProbe = 30 * time.Second
)

// Read implements events.Store.
func (s *Store) Read(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	return s.consume(ctx, from, true, fn)
}

// Follow implements events.Store.
func (s *Store) Follow(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	return s.consume(ctx, from, false, fn)
}

// reading is where a read stands: the last sequence delivered (prev), how
// many stored messages were delivered (n) and, for a bounded read, how many
// the consumer counted when it began (pending) and, for a whole-stream one,
// the stream's last sequence then (end). A bounded read is over at either:
// the server may count a message damaged on disk in pending, and never
// deliver it.
type reading struct {
	from    events.Position
	bounded bool
	pending uint64
	end     uint64
	prev    uint64
	n       uint64
	fn      func(events.Record) error
}

// consume reads the stream through ordered consumers, from the position on.
// A bounded read stops after the events that matched when it began. In a
// whole-stream read each sequence must follow the one before: the stream
// refuses deletes, so a gap is lost history. A plain read stops at a gap or
// an undecodable message; a tolerant one (Position.Tolerant) delivers each
// as a Record with Damage set and goes on. A filtered read checks only that
// sequences rise.
func (s *Store) consume(ctx context.Context, from events.Position, bounded bool, fn func(events.Record) error) error {
	r := &reading{from: from, bounded: bounded, fn: fn}
	if from.Seq > 0 {
		r.prev = from.Seq - 1
	}
	if bounded && from.Subject == "" {
		end, err := s.LastSeq(ctx)
		if err != nil {
			return err
		}
		r.end = end
	}
	for first := true; ; first = false {
		resume, done, err := s.consumeFrom(ctx, r, first)
		if err != nil || done {
			return err
		}
		// A sequence the consumer could not deliver was reported: a fresh
		// consumer takes up after it.
		r.from.Seq, r.from.Time = resume, time.Time{}
	}
}

// consumeFrom runs one ordered consumer from r.from. It answers done when
// the read is over, or the sequence to resume at with a fresh consumer
// after one it could not deliver.
func (s *Store) consumeFrom(ctx context.Context, r *reading, first bool) (resume uint64, done bool, err error) {
	from := r.from
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy, InactiveThreshold: consumerIdle}
	switch {
	case from.Seq > 1:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from.Seq
	case !from.Time.IsZero():
		t := from.Time
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	if from.Subject != "" {
		cfg.FilterSubjects = []string{from.Subject}
	}
	// The consumer is made under its own deadline, not the reader's: a
	// reader that left while the request was on its way would otherwise
	// leave a consumer made on the server that it never learnt of, so could
	// not delete.
	mk, made := context.WithTimeout(context.WithoutCancel(ctx), dropTimeout)
	cons, err := s.stream.OrderedConsumer(mk, cfg)
	made()
	if err != nil {
		return 0, false, unavailable(err)
	}
	// Deferred first, so it runs last: once the iterator has stopped, no
	// reset can make a new consumer behind the delete.
	defer s.dropConsumer(cons)
	if r.bounded && first {
		info := cons.CachedInfo()
		if info == nil {
			return 0, false, unavailable(errors.New("the ordered consumer has no info"))
		}
		if r.pending = info.NumPending; r.pending == 0 {
			return 0, true, nil
		}
	}
	iter, err := cons.Messages(jetstream.PullMaxMessages(readBuffer))
	if err != nil {
		return 0, false, unavailable(err)
	}
	defer iter.Stop()
	stop := context.AfterFunc(ctx, iter.Stop)
	defer stop()

	whole := from.Subject == ""
	wait := idleProbe
	for {
		msg, err := iter.Next(jetstream.NextMaxWait(wait))
		if errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
			wait = min(2*wait, maxIdleProbe)
			if !whole {
				if done, err := s.filteredOver(ctx, r); err != nil || done {
					return 0, done, err
				}
				continue
			}
			if r.prev == 0 && r.from.Seq != 1 {
				continue
			}
			seq, lost, err := s.undeliverable(ctx, r.prev)
			if err != nil {
				return 0, false, err
			}
			if lost == nil {
				continue
			}
			if done, err := r.damaged(seq, "", lost); err != nil || done {
				return 0, done, err
			}
			return seq + 1, false, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, false, ctx.Err()
			}
			return 0, false, unavailable(err)
		}
		wait = idleProbe
		meta, err := msg.Metadata()
		if err != nil {
			return 0, false, unavailable(err)
		}
		seq := meta.Sequence.Stream
		if seq <= r.prev && r.prev > 0 {
			return 0, false, &events.GapError{After: r.prev, Got: seq}
		}
		// A read from a time has no sequence to follow until its first.
		if whole && seq != r.prev+1 && (r.prev > 0 || r.from.Seq == 1) {
			// Each sequence skipped is lost history, reported one by one.
			for missing := r.prev + 1; missing < seq; missing++ {
				if !r.from.Tolerant {
					return 0, false, &events.GapError{After: r.prev, Got: seq}
				}
				if done, err := r.damaged(missing, "", events.ErrMissing); err != nil || done {
					return 0, done, err
				}
			}
		}
		rec, derr := events.ReadRecord(seq, msg.Subject(), meta.Timestamp, msg.Data())
		if derr != nil {
			if !r.from.Tolerant {
				return 0, false, &events.CorruptError{Seq: seq, Subject: msg.Subject(), Err: derr}
			}
			rec.Damage = derr
		}
		if done, err := r.deliver(rec, true); err != nil || done {
			return 0, done, err
		}
	}
}

// dropConsumer deletes a finished reader's consumer on the server. The
// client library leaves an ordered consumer to expire on its own, so
// without this every read and every event stream would hold one of the
// stream's consumer slots until consumerIdle passed. The reader's own
// context has usually ended by now, so the delete has its own.
func (s *Store) dropConsumer(cons jetstream.Consumer) {
	info := cons.CachedInfo()
	if info == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	if err := s.stream.DeleteConsumer(ctx, info.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		s.opts.logger.Warn("a finished reader's consumer was not deleted; the server drops it once idle", "consumer", info.Name, "err", err)
	}
}

// Consumers is how many consumers the CX stream has now: the readers open
// in this process and elsewhere, and outside services' durables.
func (s *Store) Consumers(ctx context.Context) (int, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, unavailable(err)
	}
	return info.State.Consumers, nil
}

// deliver hands rec to the reader's function, and says whether a bounded
// read is over. stored says rec is a message the consumer delivered, rather
// than a sequence reported as missing.
func (r *reading) deliver(rec events.Record, stored bool) (bool, error) {
	r.prev = rec.Seq
	if stored {
		r.n++
	}
	if err := r.fn(rec); err != nil {
		return false, err
	}
	return r.bounded && (r.n >= r.pending || r.end > 0 && r.prev >= r.end), nil
}

// damaged reports a sequence the reader could not deliver as an event: to a
// tolerant reader as a Record with Damage, to others as the error that stops
// the read.
func (r *reading) damaged(seq uint64, subject string, damage error) (bool, error) {
	if !r.from.Tolerant {
		if errors.Is(damage, events.ErrMissing) {
			return false, &events.GapError{After: r.prev, Got: seq + 1}
		}
		return false, &events.CorruptError{Seq: seq, Subject: subject, Err: damage}
	}
	return r.deliver(events.Record{Seq: seq, Subject: subject, Damage: damage}, false)
}

// undeliverable asks the stream, when the consumer has gone quiet after
// prev, whether a sequence after prev exists that the consumer cannot
// deliver. It answers that sequence and why (ErrMissing), or a nil reason
// when the log simply has nothing more, or the message is there and only
// slow to come.
func (s *Store) undeliverable(ctx context.Context, prev uint64) (uint64, error, error) {
	last, err := s.LastSeq(ctx)
	if err != nil {
		return 0, nil, err
	}
	if last <= prev {
		return 0, nil, nil
	}
	seq := prev + 1
	_, found, err := s.getMsg(ctx, map[string]any{"seq": seq})
	if err != nil {
		return 0, nil, unavailable(err)
	}
	if found {
		return 0, nil, nil
	}
	return seq, fmt.Errorf("%w: seq %d is within the log (which ends at %d) but cannot be read", events.ErrMissing, seq, last), nil
}

// filteredOver answers, when a bounded filtered read has gone quiet before
// the count its consumer began with, whether that is because no message on
// its subjects after the last one delivered can be read (one damaged on
// disk is counted but never delivered). A tolerant read is then over; a
// plain one fails with ErrMissing. The sequences are not known: a filtered
// read cannot tell which of the stream's sequences were its own.
func (s *Store) filteredOver(ctx context.Context, r *reading) (bool, error) {
	if !r.bounded || r.n >= r.pending {
		return false, nil
	}
	_, found, err := s.getMsg(ctx, map[string]any{"seq": r.prev + 1, "next_by_subj": r.from.Subject})
	if err != nil {
		return false, unavailable(err)
	}
	if found {
		return false, nil
	}
	if r.from.Tolerant {
		return true, nil
	}
	return false, fmt.Errorf("%w: %d of the %d messages on %s after seq %d cannot be read", events.ErrMissing, r.pending-r.n, r.pending, r.from.Subject, r.prev)
}
