package jetstream

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// readBuffer is how many messages the ordered consumer asks for at a time.
const readBuffer = 4096

// Read implements events.Store.
func (s *Store) Read(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	until, err := s.LastSeq(ctx)
	if err != nil {
		return err
	}
	if until == 0 || from.Seq > until {
		return nil
	}
	return s.consume(ctx, from, until, fn)
}

// Follow implements events.Store.
func (s *Store) Follow(ctx context.Context, from events.Position, fn func(events.Record) error) error {
	return s.consume(ctx, from, 0, fn)
}

// consume reads the whole stream through one ordered consumer, from the
// position on, and stops after seq until (0: never). Each stream sequence
// must follow the one before: the stream refuses deletes, so a gap is lost
// history, and the reader stops at it rather than skip.
func (s *Store) consume(ctx context.Context, from events.Position, until uint64, fn func(events.Record) error) error {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	switch {
	case from.Seq > 1:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from.Seq
	case !from.Time.IsZero():
		t := from.Time
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	cons, err := s.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return unavailable(err)
	}
	if until > 0 {
		if info := cons.CachedInfo(); info != nil && info.NumPending == 0 {
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
	for {
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
		if until > 0 && seq > until {
			return nil
		}
		if prev > 0 && seq != prev+1 || prev == 0 && from.Seq == 1 && seq != 1 {
			return &events.GapError{After: prev, Got: seq}
		}
		prev = seq
		ev, err := events.Decode(msg.Data())
		if err != nil {
			return &events.CorruptError{Seq: seq, Subject: msg.Subject(), Err: err}
		}
		if err := fn(events.Record{Seq: seq, Subject: msg.Subject(), Event: ev, Raw: msg.Data()}); err != nil {
			return err
		}
		if seq == until {
			return nil
		}
	}
}
