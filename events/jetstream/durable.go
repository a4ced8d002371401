package jetstream

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// durableBuffer is how many messages a durable consumer has in flight to
// one process at a time.
const durableBuffer = 512

// durableAckWait is how long the server waits for a message's ack before it
// delivers it again (to this process or another sharing the consumer).
const durableAckWait = 30 * time.Second

// retryDelay is how long a message whose handling failed waits before the
// server delivers it again.
const retryDelay = time.Second

// Consume follows the records on subjects matching filter through the
// durable consumer name, made on first use and shared by every process that
// consumes under the name (replicas split its messages between them). Each
// record is handed to fn, on up to workers goroutines at once (so records
// are handled out of order), and acknowledged once fn returns nil, so after a
// restart the consumer takes up after the last acknowledged record; a
// record is delivered again when fn fails (after retryDelay), or when its
// process died before acknowledging it. fn must therefore take a record
// twice safely, and may see records out of stream order after a
// redelivery. A stored message that does not decode comes with Damage set:
// fn decides (it should acknowledge it, returning nil, so that one poison
// message does not come back for ever).
//
// The consumer has as many replicas as the stream, so it outlives a lost
// node. A log that does not answer does not end Consume: it pauses, as
// Follow does, and takes up again. It ends when ctx does.
func (s *Store) Consume(ctx context.Context, name, filter string, workers int, fn func(events.Record) error) error {
	var pause time.Duration
	for {
		err := s.consumeDurable(ctx, name, filter, max(workers, 1), fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pause = min(max(2*pause, time.Second), maxFollowPause)
		s.opts.logger.Warn("durable consumer: the log did not answer; trying again", "consumer", name, "in", pause, "err", err)
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}

// consumeDurable runs one pull of the durable consumer until it fails or
// ctx ends.
func (s *Store) consumeDurable(ctx context.Context, name, filter string, workers int, fn func(events.Record) error) error {
	mk, made := context.WithTimeout(ctx, dropTimeout)
	cons, err := s.stream.CreateOrUpdateConsumer(mk, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: filter,
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait:       durableAckWait,
		MaxAckPending: 4 * durableBuffer,
	})
	made()
	if err != nil {
		return unavailable(err)
	}
	iter, err := cons.Messages(jetstream.PullMaxMessages(durableBuffer), jetstream.PullHeartbeat(time.Second))
	if err != nil {
		return unavailable(err)
	}
	defer iter.Stop()
	stop := context.AfterFunc(ctx, iter.Stop)
	defer stop()
	var handling sync.WaitGroup
	defer handling.Wait()
	slots := make(chan struct{}, workers)
	for {
		msg, err := iter.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return unavailable(err)
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		handling.Go(func() {
			defer func() { <-slots }()
			s.handleDurable(ctx, name, msg, fn)
		})
	}
}

// handleDurable hands one message to fn and acknowledges it, or has it
// delivered again when fn fails (unless ctx ended: it comes again to the
// next consumer once its ack wait is over).
func (s *Store) handleDurable(ctx context.Context, name string, msg jetstream.Msg, fn func(events.Record) error) {
	meta, err := msg.Metadata()
	if err != nil {
		_ = msg.Term()
		return
	}
	rec, derr := events.ReadRecord(meta.Sequence.Stream, msg.Subject(), meta.Timestamp, msg.Data())
	rec.Damage = derr
	if err := fn(rec); err != nil {
		if ctx.Err() != nil {
			return
		}
		s.opts.logger.Warn("durable consumer: a record was not handled; it comes again", "consumer", name, "seq", rec.Seq, "err", err)
		_ = msg.NakWithDelay(retryDelay)
		return
	}
	// A lost ack only means the record comes again, which fn takes.
	_ = msg.Ack()
}

// DeleteDurable deletes the durable consumer name, so that the next
// Consume under the name starts again from the start of the log (every
// record is delivered again). One that does not exist is no error.
func (s *Store) DeleteDurable(ctx context.Context, name string) error {
	if err := s.stream.DeleteConsumer(ctx, name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return unavailable(err)
	}
	return nil
}
