package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"

	"cxtracker/events"
)

// batcher is the group committer. Appends from many goroutines queue here;
// while earlier batches are committing, the queue fills, and the next batch
// takes all it can as one JetStream atomic batch. With SyncAlways the server
// then fsyncs once per batch instead of once per event.
type batcher struct {
	s     *Store
	in    chan *pending
	slots chan struct{}
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func newBatcher(s *Store) *batcher {
	b := &batcher{
		s:     s,
		in:    make(chan *pending, 4096),
		slots: make(chan struct{}, s.opts.inflight),
		stop:  make(chan struct{}),
	}
	b.wg.Add(1)
	go b.loop()
	return b
}

var errClosed = errors.New("the event store is closed")

// submit queues p and waits for its outcome. A caller that gives up early
// gets ErrUnavailable: the append may still land, and retrying it with the
// same events is safe.
func (b *batcher) submit(ctx context.Context, p *pending) (events.Appended, error) {
	select {
	case b.in <- p:
	case <-b.stop:
		return events.Appended{}, unavailable(errClosed)
	case <-ctx.Done():
		return events.Appended{}, unavailable(ctx.Err())
	}
	select {
	case o := <-p.done:
		return o.res, o.err
	case <-ctx.Done():
		return events.Appended{}, unavailable(ctx.Err())
	}
}

func (b *batcher) close() {
	b.once.Do(func() { close(b.stop) })
	b.wg.Wait()
}

func (b *batcher) loop() {
	defer b.wg.Done()
	var queue []*pending
	for {
		if len(queue) == 0 {
			select {
			case p := <-b.in:
				queue = append(queue, p)
			case <-b.stop:
				b.drain(queue)
				return
			}
		}
		// Wait for a free commit slot, gathering what arrives meanwhile.
	wait:
		for {
			select {
			case b.slots <- struct{}{}:
				break wait
			case p := <-b.in:
				queue = append(queue, p)
			case <-b.stop:
				b.drain(queue)
				return
			}
		}
	gather:
		for {
			select {
			case p := <-b.in:
				queue = append(queue, p)
			default:
				break gather
			}
		}
		var batch []*pending
		batch, queue = takeBatch(queue, b.s.opts.maxBatch)
		b.wg.Add(1)
		go func() {
			defer func() { <-b.slots; b.wg.Done() }()
			b.commit(batch)
		}()
	}
}

// drain answers every queued append once the store is closing, after the
// batches in flight are done.
func (b *batcher) drain(queue []*pending) {
	for {
		select {
		case p := <-b.in:
			queue = append(queue, p)
		default:
			for _, p := range queue {
				p.finish(events.Appended{}, unavailable(errClosed))
			}
			return
		}
	}
}

// takeBatch takes appends from the head of the queue, in order, up to max
// messages. A batch holds either one conditional append of an aggregate or
// any number of unconditional ones, never both: the server checks every
// expected sequence in a batch against the state before the batch, so two
// conditional appends of one aggregate in one batch could both pass. The
// appends left out stay queued in their order.
func takeBatch(queue []*pending, max int) (batch, rest []*pending) {
	taken := make(map[string]bool, len(queue)) // check subject -> conditional
	n := 0
	for i, p := range queue {
		if n+len(p.msgs) > max {
			rest = append(rest, queue[i:]...)
			break
		}
		key := p.agg.Filter()
		conditional, seen := taken[key]
		if seen && (conditional || p.checked()) {
			rest = append(rest, p)
			continue
		}
		taken[key] = p.checked()
		batch = append(batch, p)
		n += len(p.msgs)
	}
	return batch, rest
}

// settleParallel bounds how many appends of a refused batch are retried at
// once, keeping well inside the server's 50 open atomic batches per stream.
const settleParallel = 8

// commit sends the batch and answers each append in it. When the server
// refuses the batch, which it does whole for one failed check, each append
// is tried on its own, so one conflicting append does not fail the others.
func (b *batcher) commit(batch []*pending) {
	ctx := context.Background()
	if len(batch) == 1 {
		batch[0].finish(b.s.commitOne(ctx, batch[0]))
		return
	}
	err := b.commitAll(ctx, batch)
	if err == nil {
		return
	}
	b.s.opts.logger.Debug("batch refused, settling appends one by one", "appends", len(batch), "err", err)
	sem := make(chan struct{}, settleParallel)
	var wg sync.WaitGroup
	for _, p := range batch {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			p.finish(b.s.commitOne(ctx, p))
		}()
	}
	wg.Wait()
}

// commitAll publishes the whole batch and, on success, answers every append
// with its own slice of the batch's sequences.
func (b *batcher) commitAll(ctx context.Context, batch []*pending) error {
	msgs := batchMessages(batch)
	for attempt := 0; ; attempt++ {
		ack, err := b.s.publishBatch(ctx, msgs)
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.busy() && attempt < busyRetries {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
			msgs = batchMessages(batch)
			continue
		}
		if err != nil {
			return err
		}
		if ack.Count != len(msgs) {
			return fmt.Errorf("batch of %d committed as %d", len(msgs), ack.Count)
		}
		seq := ack.Seq - uint64(len(msgs)) + 1
		for _, p := range batch {
			n := uint64(len(p.msgs))
			p.finish(events.Appended{FirstSeq: seq, LastSeq: seq + n - 1}, nil)
			seq += n
		}
		return nil
	}
}

// batchMessages builds the messages of every append in the batch, in order.
func batchMessages(batch []*pending) []*nats.Msg {
	var msgs []*nats.Msg
	for _, p := range batch {
		msgs = append(msgs, p.messages()...)
	}
	return msgs
}
