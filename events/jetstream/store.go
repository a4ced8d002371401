package jetstream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"cxtracker/events"
)

// MaxBatch is the most messages JetStream takes in one atomic batch, and so
// the most events one append may hold.
const MaxBatch = 1000

// Store is the events.Store on the CX stream.
type Store struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	opts   options
	// atomic is false on a server or stream without atomic batch publish:
	// then every append is published on its own.
	atomic  bool
	batcher *batcher
	faults  faults
	stats   commitStats
	// keys seal personal fields on append and open them on read, once
	// Keys has opened the bucket.
	keys atomic.Pointer[Keys]
}

// subjectKeys are the data subjects' keys, nil before Keys opened them.
func (s *Store) subjectKeys() events.Keys {
	if k := s.keys.Load(); k != nil {
		return k
	}
	return nil
}

var _ events.Store = (*Store)(nil)

// Option is an optional setting of a Store.
type Option func(*options) error

type options struct {
	replicas       int
	maxBatch       int
	publishTimeout time.Duration
	logger         *slog.Logger
	openOnly       bool
	existingStream bool
	writesFailing  func(check bool) error
}

// WithWriteCheck gives the store a way to learn that the stream refuses
// writes (Server.WritesFailing): appends then fail at once with
// events.ErrInsufficientStorage, and a failed append is asked about.
func WithWriteCheck(failing func(check bool) error) Option {
	return func(o *options) error {
		o.writesFailing = failing
		return nil
	}
}

// WithReplicas sets how many replicas the stream has on a cluster.
func WithReplicas(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 5 {
			return fmt.Errorf("replicas must be from 1 to 5, not %d", n)
		}
		o.replicas = n
		return nil
	}
}

// OpenOnly opens an existing CX stream and never creates one, for tools
// that read a log (verify, report) and must not mistake a wrong directory
// for an empty log.
func OpenOnly() Option {
	return func(o *options) error {
		o.openOnly = true
		return nil
	}
}

// ExistingStream opens an existing CX stream and never creates one, but
// creates the tracker's buckets when missing: for a start on a data
// directory that records a log (so a missing stream is a lost log, not a
// new one), which may still need its buckets made (a first start that
// stopped before it made them).
func ExistingStream() Option {
	return func(o *options) error {
		o.existingStream = true
		return nil
	}
}

// WithLogger sets where the store logs; the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		o.logger = l
		return nil
	}
}

// New opens the store on the connection: it creates the CX stream on first
// use, refuses one with weaker settings, and starts the group committer.
func New(ctx context.Context, nc *nats.Conn, opts ...Option) (*Store, error) {
	o := options{replicas: 1, maxBatch: MaxBatch, publishTimeout: 10 * time.Second}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	st, err := EnsureStream(ctx, js, o.replicas, !o.openOnly && !o.existingStream)
	if err != nil {
		return nil, err
	}
	s := &Store{nc: nc, js: js, stream: st, opts: o, atomic: st.CachedInfo().Config.AllowAtomicPublish}
	if !s.atomic {
		o.logger.Warn("the CX stream has no atomic batch publish: every append is published on its own, and an append of several events is not atomic")
	}
	s.batcher = newBatcher(s)
	return s, nil
}

// Atomic reports whether appends are gathered into atomic batches.
func (s *Store) Atomic() bool { return s.atomic }

// Close stops the group committer after the batches in flight are answered.
// Appends still waiting get ErrUnavailable. The connection stays open.
func (s *Store) Close() { s.batcher.close() }

// Append implements events.Store.
func (s *Store) Append(ctx context.Context, agg events.Aggregate, expect events.Expect, evs ...events.Event) (events.Appended, error) {
	p, err := s.prepare(agg, expect, evs)
	if err != nil {
		return events.Appended{}, err
	}
	check := s.opts.writesFailing
	if check != nil {
		if err := check(false); err != nil {
			return events.Appended{}, err
		}
	}
	var res events.Appended
	if !s.atomic {
		res, err = s.commitOne(ctx, p)
	} else {
		res, err = s.batcher.submit(ctx, p)
	}
	// A stream that cannot store does not answer; an append that got no
	// answer asks whether that is why.
	if check != nil && errors.Is(err, events.ErrUnavailable) {
		if failing := check(true); failing != nil {
			return events.Appended{}, failing
		}
	}
	return res, err
}

// LastSeq implements events.Store.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", events.ErrUnavailable, err)
	}
	return info.State.LastSeq, nil
}

// pending is one append on its way to the log.
type pending struct {
	agg    events.Aggregate
	expect events.Expect
	msgs   []outMsg
	done   chan outcome
}

type outcome struct {
	res events.Appended
	err error
}

func (p *pending) finish(res events.Appended, err error) { p.done <- outcome{res, err} }

// checked reports whether the append carries a sequence check.
func (p *pending) checked() bool { _, ok := p.expect.Seq(); return ok }

// messages builds the append's NATS messages afresh, as each try sets its own headers.
func (p *pending) messages() []*nats.Msg {
	out := make([]*nats.Msg, len(p.msgs))
	for i, m := range p.msgs {
		out[i] = m.message(p.agg.Filter(), p.expect, i == 0)
	}
	return out
}

// prepare validates and encodes an append before anything is sent.
func (s *Store) prepare(agg events.Aggregate, expect events.Expect, evs []events.Event) (*pending, error) {
	if err := agg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("%w: no events to append", events.ErrInvalid)
	}
	if len(evs) > s.opts.maxBatch {
		return nil, fmt.Errorf("%w: %d events in one append, at most %d", events.ErrInvalid, len(evs), s.opts.maxBatch)
	}
	limit := int(s.nc.MaxPayload())
	p := &pending{agg: agg, expect: expect, msgs: make([]outMsg, len(evs)), done: make(chan outcome, 1)}
	seen := make(map[string]bool, len(evs))
	keys := s.subjectKeys()
	for i := range evs {
		e := &evs[i]
		if e.Kind() != agg.Kind {
			return nil, fmt.Errorf("%w: event %s of type %s does not belong to a %s", events.ErrInvalid, e.ID, e.Type, agg.Kind)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("%w: event id %s appears twice", events.ErrInvalid, e.ID)
		}
		seen[e.ID] = true
		sealed, err := events.Seal(*e, keys)
		if err != nil {
			return nil, err
		}
		data, err := sealed.Encode()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
		}
		if len(data) > limit-4096 {
			return nil, fmt.Errorf("%w: event %s is %d bytes, more than the %d the server takes", events.ErrInvalid, e.ID, len(data), limit-4096)
		}
		p.msgs[i] = outMsg{subject: agg.Subject(e.Name()), id: e.ID, data: data}
	}
	return p, nil
}

// commitOne publishes one append by itself: a single event as a plain
// publish, several as an atomic batch of their own. A conflict or duplicate is
// looked into before it is reported: the events may be ours from an earlier try.
func (s *Store) commitOne(ctx context.Context, p *pending) (events.Appended, error) {
	if len(p.msgs) > 1 && !s.atomic {
		return s.commitChained(ctx, p)
	}
	res, err := s.publishOne(ctx, p)
	if err == nil {
		s.stats.one(len(p.msgs))
	}
	return res, err
}

// publishOne publishes one append by itself and settles what a refusal or a
// lost answer really did.
func (s *Store) publishOne(ctx context.Context, p *pending) (events.Appended, error) {
	for attempt := 0; ; attempt++ {
		var (
			ack pubAck
			err error
		)
		if len(p.msgs) == 1 {
			ack, err = s.request(ctx, p.messages()[0])
		} else {
			ack, err = s.publishBatch(ctx, p.messages())
		}
		if err == nil {
			n := uint64(len(p.msgs))
			return events.Appended{FirstSeq: ack.Seq - n + 1, LastSeq: ack.Seq, Duplicate: ack.Duplicate}, nil
		}
		var apiErr *apiError
		switch {
		case !errors.As(err, &apiErr), apiErr.conflict(), apiErr.duplicate():
			return s.resolve(ctx, p, err)
		case apiErr.outOfStorage():
			return events.Appended{}, fmt.Errorf("%w: %v", events.ErrInsufficientStorage, apiErr)
		case apiErr.invalid():
			return events.Appended{}, fmt.Errorf("%w: %s: %v", events.ErrInvalid, p.agg, apiErr)
		case apiErr.busy() && attempt < busyRetries:
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return events.Appended{}, unavailable(err)
			}
		default:
			return events.Appended{}, unavailable(err)
		}
	}
}

// busyRetries is how often an append asked to come back is tried again.
const busyRetries = 8

// backoff is the pause before try attempt+1 of a busy append.
func backoff(attempt int) time.Duration {
	return time.Duration(1<<min(attempt, 6)) * time.Millisecond
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// commitChained appends several events without atomic publish: each event is
// checked against the one before it, so no other writer can interleave, but a
// failure part way leaves the first events stored.
func (s *Store) commitChained(ctx context.Context, p *pending) (events.Appended, error) {
	var res events.Appended
	expect := p.expect
	for i, m := range p.msgs {
		one := &pending{agg: p.agg, expect: expect, msgs: []outMsg{m}}
		r, err := s.commitOne(ctx, one)
		if err != nil {
			return events.Appended{}, err
		}
		if i == 0 {
			res = r
		}
		res.LastSeq = r.LastSeq
		if p.checked() {
			expect = events.ExpectSeq(r.LastSeq)
		}
	}
	return res, nil
}
