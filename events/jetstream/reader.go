package jetstream

import (
	"context"
	"errors"
	"time"

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

// Read implements events.Store.
func (s *Store) Read(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	return s.consume(ctx, from, true, fn)
}

// Follow implements events.Store.
func (s *Store) Follow(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	return s.consume(ctx, from, false, fn)
}

// consume reads the stream through one ordered consumer, from the position
// on. A bounded read stops after the events that matched when it began. In
// a whole-stream read each sequence must follow the one before: the stream
// refuses deletes, so a gap is lost history, and the reader stops at it
// rather than skip. A filtered read checks only that sequences rise.
func (s *Store) consume(ctx context.Context, from events.Position, bounded bool, fn func(events.Record) error) error {
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
		return unavailable(err)
	}
	// Deferred first, so it runs last: once the iterator has stopped, no
	// reset can make a new consumer behind the delete.
	defer s.dropConsumer(cons)
	var pending uint64
	if bounded {
		info := cons.CachedInfo()
		if info == nil {
			return unavailable(errors.New("the ordered consumer has no info"))
		}
		if pending = info.NumPending; pending == 0 {
			return nil
		}
	}
	iter, err := cons.Messages(jetstream.PullMaxMessages(readBuffer))
	if err != nil {
		return unavailable(err)
	}
	defer iter.Stop()
	stop := context.AfterFunc(ctx, iter.Stop)
	defer stop()

	var prev uint64
	if from.Seq > 0 {
		prev = from.Seq - 1
	}
	whole := from.Subject == ""
	for n := uint64(1); ; n++ {
		msg, err := iter.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return unavailable(err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			return unavailable(err)
		}
		seq := meta.Sequence.Stream
		if whole && (prev > 0 && seq != prev+1 || prev == 0 && from.Seq == 1 && seq != 1) || seq <= prev && prev > 0 {
			return &events.GapError{After: prev, Got: seq}
		}
		prev = seq
		ev, err := events.Decode(msg.Data())
		if err != nil {
			return &events.CorruptError{Seq: seq, Subject: msg.Subject(), Err: err}
		}
		if err := fn(events.Record{Seq: seq, Subject: msg.Subject(), Stored: meta.Timestamp, Event: ev, Raw: msg.Data()}); err != nil {
			return err
		}
		if bounded && n == pending {
			return nil
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
