package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"cxtracker/events"
)

// batcher is the group committer, by the classic rule: one commit at a
// time, and whatever queued while the last commit was being stored goes out
// as the next atomic batch, or as plain publishes side by side when it is at
// most plainFew single-event appends. With SyncAlways the server fsyncs
// every plain publish, while an atomic batch costs about the same whatever
// its size (the server stages it in a file store of its own, a few fsyncs),
// so a herd of writers pays for its fsyncs once a round.
//
// A single-event append that finds nothing queued, no commit under way and no
// herd expected back is published at once from its caller's goroutine: the
// one writer of a quiet store pays a plain publish and nothing more. Up to
// plainFew such publishes go side by side; the next append queues.
//
// Every choice is made by counting appends, never by timing commits: a noisy
// disk makes timings jump about, and a choice made from them can send most of
// a herd plainly, one fsync each.
type batcher struct {
	s *Store
	// plainOut counts plain publishes under way from callers' goroutines;
	// queued counts appends waiting for the committer.
	plainOut, queued atomic.Int64
	herd             herd
	// lingerGap and lingerMax bound how long a batch waits for its herd;
	// maxBatch is how many messages a batch holds at most.
	lingerGap, lingerMax time.Duration
	maxBatch             int
	in                   chan *pending
	// committing holds a token while the committer's commit is under way.
	committing chan struct{}
	stop       chan struct{}
	// exited is closed once the loop and every commit under way have
	// returned: every append they took has been answered.
	exited chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

// plainFew is how many single-event appends are published plainly side by
// side, rather than as a batch: from the callers' goroutines while nothing is
// queued, and by the committer when no more queued during the last commit.
// An atomic batch costs about as much as a dozen plain publishes on any disk
// (both costs are counted in fsyncs), so eight or fewer cost less published
// plainly; a larger crowd is committed in batches.
const plainFew = 8

func newBatcher(s *Store) *batcher {
	b := &batcher{
		s:          s,
		in:         make(chan *pending, 4096),
		herd:       herd{memory: herdMemory},
		lingerGap:  lingerGap,
		lingerMax:  lingerMax,
		maxBatch:   s.opts.maxBatch,
		committing: make(chan struct{}, 1),
		stop:       make(chan struct{}),
		exited:     make(chan struct{}),
	}
	b.wg.Add(1)
	go b.loop()
	return b
}

var errClosed = errors.New("the event store is closed")

// submit publishes p at once when it may skip the queue, or else queues it
// for the committer, and waits for its outcome. A caller that gives up early
// gets ErrUnavailable: the append may still land, and retrying it with the
// same events is safe.
func (b *batcher) submit(ctx context.Context, p *pending) (events.Appended, error) {
	b.herd.arrived()
	if res, err, ok := b.publishAlone(ctx, p); ok {
		return res, err
	}
	b.queued.Add(1)
	select {
	case b.in <- p:
	case <-b.stop:
		b.queued.Add(-1)
		return events.Appended{}, unavailable(errClosed)
	case <-ctx.Done():
		b.queued.Add(-1)
		return events.Appended{}, unavailable(ctx.Err())
	}
	select {
	case o := <-p.done:
		return o.res, o.err
	case <-b.exited:
		// Queued as the store closed: answered by the drain, or never
		// taken.
		select {
		case o := <-p.done:
			return o.res, o.err
		default:
			return events.Appended{}, unavailable(errClosed)
		}
	case <-ctx.Done():
		return events.Appended{}, unavailable(ctx.Err())
	}
}

func (b *batcher) close() {
	b.once.Do(func() {
		close(b.stop)
		b.wg.Wait()
		close(b.exited)
	})
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
		// Wait for the commit under way, gathering what arrives meanwhile.
	wait:
		for {
			select {
			case b.committing <- struct{}{}:
				break wait
			case p := <-b.in:
				queue = append(queue, p)
			case <-b.stop:
				b.drain(queue)
				return
			}
		}
		queue = b.gather(queue)
		var batch []*pending
		batch, queue = takeBatch(queue, b.maxBatch)
		b.queued.Add(-int64(len(batch)))
		b.wg.Add(1)
		go func() {
			defer func() { <-b.committing; b.wg.Done() }()
			b.commit(batch)
		}()
	}
}

// Gathering: once the last commit is done, the next batch waits for the
// callers the last batch answered, as long as they keep coming, each within
// lingerGap of the one before, up to lingerMax in all. Waiting for them
// costs far less than the batch the stragglers would need of their own: a
// herd cut in two settles into two batches a round, each paying the batch's
// fixed cost (about 4 ms here). 256 writers take about 2 ms to come back on
// two cores.
const (
	lingerGap = 200 * time.Microsecond
	lingerMax = 2 * time.Millisecond
)

// gather adds to the queue what has arrived, then the callers of the last
// batch as they come back, until a batch is full.
func (b *batcher) gather(queue []*pending) []*pending {
	msgs := 0
	for _, p := range queue {
		msgs += len(p.msgs)
	}
	take := func(p *pending) {
		queue = append(queue, p)
		msgs += len(p.msgs)
	}
	deadline := time.Now().Add(b.lingerMax)
	timer := time.NewTimer(b.lingerGap)
	defer timer.Stop()
	for {
		select {
		case p := <-b.in:
			take(p)
			continue
		default:
		}
		if b.herd.returning() == 0 || msgs >= b.maxBatch || time.Now().After(deadline) {
			return queue
		}
		timer.Reset(b.lingerGap)
		select {
		case p := <-b.in:
			take(p)
		case <-timer.C:
			return queue
		}
	}
}

// publishAlone publishes a single-event append at once, as a plain publish
// from the caller's goroutine, when alone says so and fewer than plainFew
// are under way. It reports false when the append should be queued.
func (b *batcher) publishAlone(ctx context.Context, p *pending) (events.Appended, error, bool) {
	if !b.alone(p) {
		return events.Appended{}, nil, false
	}
	if b.plainOut.Add(1) > plainFew {
		b.plainOut.Add(-1)
		return events.Appended{}, nil, false
	}
	defer b.plainOut.Add(-1)
	select {
	case <-b.stop:
		return events.Appended{}, unavailable(errClosed), true
	default:
	}
	res, err := b.s.commitOne(ctx, p)
	return res, err, true
}

// alone reports whether a single-event append may skip the queue: nothing
// is queued, no commit is under way, no callers of the last batch are
// expected back (they are batched again), and room is left beside the plain
// publishes under way.
func (b *batcher) alone(p *pending) bool {
	return len(p.msgs) == 1 && b.queued.Load() == 0 && len(b.committing) == 0 &&
		b.herd.returning() == 0 && b.plainOut.Load() < plainFew
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
				b.queued.Add(-1)
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

// commit sends the batch as one atomic batch and answers each append in it;
// a few single-event appends are published plainly side by side, and a lone
// append of several events as an atomic batch of its own. When the server
// refuses a batch, which it does whole for one failed check, each append is
// tried on its own, so one conflicting append does not fail the others.
func (b *batcher) commit(batch []*pending) {
	ctx := context.Background()
	if few(batch) {
		b.each(ctx, batch, plainFew)
		return
	}
	b.s.faults.hold(b.stop)
	if len(batch) == 1 {
		batch[0].finish(b.s.commitOne(ctx, batch[0]))
		return
	}
	err := b.commitAll(ctx, batch)
	if err == nil {
		return
	}
	b.s.opts.logger.Debug("batch refused, settling appends one by one", "appends", len(batch), "err", err)
	b.each(ctx, batch, settleParallel)
}

// few reports whether the batch is at most plainFew single-event appends.
func few(batch []*pending) bool {
	if len(batch) > plainFew {
		return false
	}
	for _, p := range batch {
		if len(p.msgs) != 1 {
			return false
		}
	}
	return true
}

// each commits every append on its own, at most parallel at once.
func (b *batcher) each(ctx context.Context, batch []*pending, parallel int) {
	sem := make(chan struct{}, parallel)
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
		// The callers are expected back: note them before answering.
		b.herd.answered(len(batch))
		b.s.stats.batch(len(batch))
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
