package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// readBuffer is how many messages a follower's consumer, or a bounded
// read's batch, asks for at a time.
const readBuffer = 4096

// consumerIdle is how long the server keeps a follower's consumer that
// nobody pulls from. Every follower deletes its consumer when it ends; this
// only reclaims the consumer of one that could not (its process died, or
// the delete was lost), so that such leftovers never pile up to the
// stream's consumer limit.
const consumerIdle = 30 * time.Second

// resetTries is how often the client library tries to replace a lost
// consumer before the follower starts afresh with its own.
const resetTries = 2

// dropTimeout bounds the delete of a finished follower's consumer.
const dropTimeout = 5 * time.Second

// idleProbe is how long a whole-stream follower waits for the next message
// (up to twice as long: see idleWatch) before it asks the stream whether it
// has more than was delivered. A
// message damaged on disk is counted in the stream's state but never
// delivered, and without this check the follower would wait for it forever.
// Each probe that finds nothing doubles the wait, up to maxIdleProbe, so
// that an idle follower costs the server little.
const (
	idleProbe    = time.Second
	maxIdleProbe = 30 * time.Second
)

// maxFollowPause caps the pause between a follower's tries while the log
// does not answer.
const maxFollowPause = 5 * time.Second

// Follow implements events.Store. A follower waits for events to come, so
// it takes an ordered consumer, which the server pushes new events to;
// bounded reads (Read) take none (directread.go).
//
// A log that does not answer for a while (the node that held the consumer
// was lost, the stream is electing a leader) does not end the follow: it
// takes up after the last record delivered with a fresh consumer, pausing a
// second, then twice as long each time up to maxFollowPause, with one
// warning a pause. It ends when ctx does, when fn fails, at a gap or a
// damaged message of a plain read, or when the connection is closed.
func (s *Store) Follow(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	r := &reading{from: from, fn: fn, keys: s.subjectKeys()}
	if from.Seq > 0 {
		r.prev = from.Seq - 1
	}
	var pause time.Duration
	var stuckAt uint64
	for {
		resume, err := s.consumeFrom(ctx, r)
		if err != nil && !s.passing(ctx, r, err) {
			return err
		}
		if err == nil {
			// A sequence the consumer could not deliver was reported: a fresh
			// consumer takes up after it.
			r.from.Seq, r.from.Time = resume, time.Time{}
			continue
		}
		if r.prev != stuckAt {
			pause, stuckAt = 0, r.prev
		}
		pause = min(max(2*pause, time.Second), maxFollowPause)
		s.opts.logger.Warn("following the log: it did not answer; trying again", "after_seq", r.prev, "in", pause, "err", err)
		if r.prev > 0 {
			r.from.Seq, r.from.Time = r.prev+1, time.Time{}
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}

// passing says whether a follow's error may pass: the log did not answer
// (ErrUnavailable), while the reader still reads, its function did not
// fail, and the connection is open.
func (s *Store) passing(ctx context.Context, r *reading, err error) bool {
	return errors.Is(err, events.ErrUnavailable) && ctx.Err() == nil && !r.failed && !s.nc.IsClosed()
}

// reading is where a read stands: the last sequence delivered (prev) and
// how many stored messages were delivered (n).
type reading struct {
	from events.Position
	prev uint64
	n    uint64
	fn   func(events.Record) error
	// keys open the records' sealed fields; nil leaves them sealed.
	keys events.Keys
	// failed says fn answered an error: the read ends with it.
	failed bool
}

// consumeFrom follows the stream through one ordered consumer from r.from,
// and answers the sequence to resume at with a fresh consumer after one it
// could not deliver. In a whole-stream read each sequence must follow the
// one before: the stream refuses deletes, so a gap is lost history. A plain
// read stops at a gap or an undecodable message; a tolerant one
// (Position.Tolerant) delivers each as a Record with Damage set and goes
// on. A filtered read checks only that sequences rise.
func (s *Store) consumeFrom(ctx context.Context, r *reading) (resume uint64, err error) {
	from := r.from
	// The client library replaces a consumer it lost, but tries for ever, and
	// meanwhile the iterator answers nothing: after a few tries it gives up
	// here, and Follow pauses and starts afresh, saying so.
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy, InactiveThreshold: consumerIdle, MaxResetAttempts: resetTries}
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
		return 0, unavailable(err)
	}
	// Deferred first, so it runs last: once the iterator has stopped, no
	// reset can make a new consumer behind the delete.
	defer s.dropConsumer(cons)
	iter, err := cons.Messages(jetstream.PullMaxMessages(readBuffer), jetstream.PullHeartbeat(time.Second))
	if err != nil {
		return 0, unavailable(err)
	}
	defer iter.Stop()
	stop := context.AfterFunc(ctx, iter.Stop)
	defer stop()

	whole := from.Subject == ""
	wait := idleProbe
	idle := watchIdle(ctx, wait)
	defer idle.stop()
	held := 0 // probes in a row that found the next message stored, not sent
	for {
		msg, err := iter.Next(idle.next)
		if err != nil && idle.idle() {
			wait = min(2*wait, maxIdleProbe)
			// Armed again whatever the probe finds: every way on waits
			// for the next message, or ends the consumer (whose wait the
			// deferred stop ends).
			idle.arm(wait)
			if !whole || (r.prev == 0 && r.from.Seq != 1) {
				continue
			}
			seq, lost, err := s.undeliverable(ctx, r.prev)
			if err != nil {
				return 0, err
			}
			if lost == nil && seq != 0 {
				// The stream has it and the consumer, quiet for two probes,
				// does not send it: the consumer went with its node (killed
				// outright, so nothing told the client). A fresh one takes up.
				if held++; held >= 2 {
					return seq, nil
				}
			}
			if lost == nil {
				continue
			}
			if err := r.damaged(seq, "", lost); err != nil {
				return 0, err
			}
			return seq + 1, nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			return 0, unavailable(err)
		}
		idle.taken.Add(1)
		if held = 0; wait != idleProbe {
			wait = idleProbe
			idle.shorten(wait)
		}
		seq, at, err := stampOf(msg)
		if err != nil {
			return 0, unavailable(err)
		}
		if seq <= r.prev && r.prev > 0 {
			return 0, &events.GapError{After: r.prev, Got: seq}
		}
		// A read from a time has no sequence to follow until its first.
		if whole && seq != r.prev+1 && (r.prev > 0 || r.from.Seq == 1) {
			// Each sequence skipped is lost history, reported one by one.
			for missing := r.prev + 1; missing < seq; missing++ {
				if err := r.damaged(missing, "", events.ErrMissing); err != nil {
					return 0, err
				}
			}
		}
		if err := r.stored(seq, msg.Subject(), at, msg.Data()); err != nil {
			return 0, err
		}
	}
}

// dropConsumer deletes a finished follower's consumer on the server. The
// client library leaves an ordered consumer to expire on its own, so
// without this every event stream would hold one of the stream's consumer
// slots until consumerIdle passed. The follower's own context has usually
// ended by now, so the delete has its own.
func (s *Store) dropConsumer(cons jetstream.Consumer) {
	info := cons.CachedInfo()
	if info == nil || s.connected() != nil {
		return // the server drops it once idle
	}
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	if err := s.stream.DeleteConsumer(ctx, info.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		s.opts.logger.Warn("a finished follower's consumer was not deleted; the server drops it once idle", "consumer", info.Name, "err", err)
	}
}

// Consumers is how many consumers the CX stream has now: the followers
// open in this process and elsewhere, and outside services' durables.
func (s *Store) Consumers(ctx context.Context) (int, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, unavailable(err)
	}
	return info.State.Consumers, nil
}

// stored decodes a stored message and hands it to the reader's function.
// One that does not decode stops a plain read with *events.CorruptError; a
// tolerant read gets it with Damage set. Raw keeps the stored bytes as they
// are: the verifier's digest chains them.
func (r *reading) stored(seq uint64, subject string, at time.Time, data []byte) error {
	rec, derr := events.ReadRecord(seq, subject, at, data)
	if derr == nil {
		// A key store that does not answer stops the read, as the log
		// not answering would: the record is not damaged.
		if err := r.open(&rec); err != nil {
			return err
		}
	}
	if derr != nil {
		if !r.from.Tolerant {
			return &events.CorruptError{Seq: seq, Subject: subject, Err: derr}
		}
		rec.Damage = derr
	}
	r.n++
	return r.deliver(rec)
}

// open opens rec's sealed personal fields (Raw stays as stored, for the
// digest), and forgets the key of a subject whose erasure it meets.
func (r *reading) open(rec *events.Record) error {
	if r.keys == nil {
		return nil
	}
	if subject := events.ErasedSubject(rec.Event); subject != "" {
		if k, ok := r.keys.(*Keys); ok {
			k.Forget(subject)
		}
	}
	ev, err := events.Open(rec.Event, r.keys)
	if err != nil {
		return err
	}
	rec.Event = ev
	return nil
}

// OpenRecord implements events.RecordOpener with the store's keys.
func (s *Store) OpenRecord(rec *events.Record) error {
	return (&reading{keys: s.subjectKeys()}).open(rec)
}

// deliver hands rec to the reader's function.
func (r *reading) deliver(rec events.Record) error {
	r.prev = rec.Seq
	err := r.fn(rec)
	r.failed = err != nil
	return err
}

// damaged reports a sequence the reader could not deliver as an event: to a
// tolerant reader as a Record with Damage, to others as the error that stops
// the read. A missing sequence is a gap.
func (r *reading) damaged(seq uint64, subject string, damage error) error {
	if !r.from.Tolerant {
		if errors.Is(damage, events.ErrMissing) {
			return &events.GapError{After: r.prev, Got: seq + 1}
		}
		return &events.CorruptError{Seq: seq, Subject: subject, Err: damage}
	}
	return r.deliver(events.Record{Seq: seq, Subject: subject, Damage: damage})
}

// undeliverable asks the stream, when the consumer has gone quiet after
// prev, whether a sequence after prev exists that the consumer cannot
// deliver. It answers that sequence and why (ErrMissing); the sequence with
// a nil reason when the message is there and only slow to come (or held
// by a consumer that is gone); 0 when the log simply has nothing more.
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
		return seq, nil, nil
	}
	return seq, fmt.Errorf("%w: seq %d is within the log (which ends at %d) but cannot be read", events.ErrMissing, seq, last), nil
}
