package jetstream

import (
	"context"
	"errors"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// readBuffer is how many messages the ordered consumer asks for at a time.
const readBuffer = 4096

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
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
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
	cons, err := s.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return unavailable(err)
	}
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
		if err := fn(events.Record{Seq: seq, Subject: msg.Subject(), Stored: meta.Timestamp.UTC(), Event: ev, Raw: msg.Data()}); err != nil {
			return err
		}
		if bounded && n == pending {
			return nil
		}
	}
}
