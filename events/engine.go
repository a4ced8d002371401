package events

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Engine runs commands through the log. It owns the write side's State,
// which only Apply changes: the one subscription to the log feeds every
// stored record to Apply, including the records of the Engine's own appends,
// so the State never holds an event the log does not. Execute decides a
// command against the State, appends the events with the aggregate's last
// sequence as the expected one, and on a conflict catches up and decides
// again. Several Engines (replicas) may write to one log.
type Engine struct {
	store    Store
	attempts int
	clock    Clock

	mu      sync.Mutex
	state   *State
	changed chan struct{} // closed and replaced when the state moves on while watched
	// watched says someone waits on changed: a replay then need not make
	// a channel for every record.
	watched bool
	// feed, when set, is what applies the log to the State and more (read
	// models): WaitFor waits for it instead of the State alone.
	feed Feed
}

// Feed is what applies the log's records to an Engine (through Apply) and
// to more besides, such as read models. Its WaitFor returns once seq is
// applied everywhere it applies records, and ends at once with an error
// when it has stopped following the log.
type Feed interface {
	WaitFor(ctx context.Context, seq uint64) error
}

// FedBy makes f the Engine's feed: from then on WaitFor, and so Execute,
// waits for f, so that a writer waits once for its write to be applied
// everywhere and learns at once when nothing applies it any more. f must
// count a record as applied only once Apply has applied it.
func (e *Engine) FedBy(f Feed) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.feed = f
}

// EngineOption is an optional setting of an Engine.
type EngineOption func(*Engine) error

// WithAttempts sets how many times Execute decides a command before it gives
// up on an aggregate that keeps changing under it (8 by default).
func WithAttempts(n int) EngineOption {
	return func(e *Engine) error {
		if n < 1 {
			return fmt.Errorf("events: attempts must be at least 1, not %d", n)
		}
		e.attempts = n
		return nil
	}
}

// WithClock sets the clock that dates the events of commands whose Meta
// gives no time (the system clock by default).
func WithClock(c Clock) EngineOption {
	return func(e *Engine) error {
		e.clock = c
		return nil
	}
}

// NewEngine is an Engine that appends to store. Nothing is read here: the
// caller starts the subscription (store.Follow from LastSeq()+1 into Apply).
func NewEngine(store Store, opts ...EngineOption) (*Engine, error) {
	if store == nil {
		return nil, errors.New("events: nil store")
	}
	e := &Engine{store: store, attempts: 8, state: NewState(), changed: make(chan struct{})}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Apply applies one stored record to the State and wakes whoever waits for
// it. Its signature fits Store.Follow.
//
// Errors: ErrUndecodable (the record's sequence counts as applied all the
// same, and its aggregate takes no more commands: see CodeQuarantined; the
// subscriber decides whether to stop).
func (e *Engine) Apply(rec Record) error { return e.ApplyDecoded(rec, nil) }

// ApplyDecoded is Apply for a record whose payload the caller has decoded
// already (nil: decode here), so that a projector feeding many models
// decodes each event once.
//
// Errors: ErrUndecodable.
func (e *Engine) ApplyDecoded(rec Record, p Payload) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	before := e.state.lastSeq
	err := e.state.ApplyDecoded(rec, p)
	if e.state.lastSeq != before && e.watched {
		close(e.changed)
		e.changed, e.watched = make(chan struct{}), false
	}
	return err
}

// LastSeq is the stream sequence of the newest record applied.
func (e *Engine) LastSeq() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state.lastSeq
}

// WaitFor returns once the State (and the Engine's feed, when it has one)
// has applied the record at stream sequence seq, or when ctx ends.
//
// Errors: ctx.Err(), or the feed's (such as its having stopped).
func (e *Engine) WaitFor(ctx context.Context, seq uint64) error {
	for {
		e.mu.Lock()
		done, changed, feed := e.state.lastSeq >= seq, e.changed, e.feed
		e.watched = e.watched || !done && feed == nil
		e.mu.Unlock()
		if feed != nil {
			return feed.WaitFor(ctx, seq)
		}
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// View calls fn with the State while no record is applied. fn must not keep
// the State or anything in it after it returns, nor change it.
func (e *Engine) View(fn func(*State)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(e.state)
}

// Result is what Execute did.
type Result struct {
	Aggregate Aggregate
	// Events are the events appended, as stored; none when the command asked
	// for what already held.
	Events []Event
	// Appended is where they were stored; zero when nothing was appended.
	Appended Appended
	// Stream is where the aggregate stands after the command, its Version
	// being what a client sees as the ETag.
	Stream Stream
}

// Execute decides cmd against the current State and appends its events,
// with meta's actor and ids on each. A stale decision (another writer
// changed the aggregate first) is decided again once the State has caught
// up, up to the Engine's attempts. When Execute returns, the State (and the
// Engine's feed: see FedBy) has applied the events, so the caller reads its
// own write; with the option Stored, it returns as soon as they are stored.
//
// Errors: *Error (the command is rejected; nothing was written),
// *ConflictError (the aggregate kept changing), ErrInvalid, ErrUnavailable
// (whether the events were stored is unknown), ctx.Err(), the feed's error
// (the events were stored, but nothing applies them).
func (e *Engine) Execute(ctx context.Context, cmd Command, meta Meta, opts ...ExecuteOption) (Result, error) {
	var x execution
	for _, o := range opts {
		o(&x)
	}
	for attempt := 1; ; attempt++ {
		agg, evs, expect, err := e.prepare(cmd, meta, x)
		if err != nil {
			return Result{}, err
		}
		if len(evs) == 0 {
			e.mu.Lock()
			defer e.mu.Unlock()
			return Result{Aggregate: agg, Stream: e.state.Stream(agg)}, nil
		}
		app, err := e.store.Append(ctx, agg, expect, evs...)
		var conflict *ConflictError
		if errors.As(err, &conflict) && attempt < e.attempts {
			if err := e.catchUp(ctx, conflict); err != nil {
				return Result{}, err
			}
			continue
		}
		if err != nil {
			return Result{}, err
		}
		if x.stored {
			return Result{Aggregate: agg, Events: evs, Appended: app}, nil
		}
		if err := e.WaitFor(ctx, app.LastSeq); err != nil {
			return Result{}, fmt.Errorf("events were stored at seq %d but not yet applied: %w", app.LastSeq, err)
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		return Result{Aggregate: agg, Events: evs, Appended: app, Stream: e.state.Stream(agg)}, nil
	}
}

// ExecuteOption is a condition or setting of one Execute.
type ExecuteOption func(*execution)

// execution is what the options of one Execute set.
type execution struct {
	ifVersion *versionCondition
	stored    bool
}

// Stored makes Execute answer once the events are stored, without waiting
// for the State to apply them; the Result then has no Stream. It suits a
// writer that appends many times, whose later commands do not depend on its
// earlier ones, and that waits once, at its end, for its last write (the
// feedback import): waiting after each append would pace it by the slowest
// reader of the log rather than by the log, and a caller whose time ran out
// in that wait could not tell that its events were stored.
func Stored() ExecuteOption { return func(x *execution) { x.stored = true } }

type versionCondition struct {
	agg     Aggregate
	version uint64
}

// IfVersion makes Execute go ahead only while agg is at version (the
// version the sender last read, such as an HTTP If-Match). It is checked
// under the Engine's lock, against the same state the decision and the
// append's expected sequence come from, so no change can slip between the
// check and the write; on a retry after a conflict it is checked again.
// A stale version is rejected with CodeStale and nothing is written.
func IfVersion(agg Aggregate, version uint64) ExecuteOption {
	return func(x *execution) { x.ifVersion = &versionCondition{agg: agg, version: version} }
}

// prepare decides cmd under the lock and builds its events and the
// condition of their append from the same state.
func (e *Engine) prepare(cmd Command, meta Meta, x execution) (Aggregate, []Event, Expect, error) {
	now, given := e.clock.Now(), !meta.Time.IsZero()
	if !given {
		meta.Time = now
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c := x.ifVersion; c != nil {
		if have := e.state.Stream(c.agg).Version; have != c.version {
			return Aggregate{}, nil, Expect{}, &Error{Code: CodeStale,
				Message: fmt.Sprintf("the condition was version %d, but %s is at version %d: it changed since it was read", c.version, c.agg, have)}
		}
	}
	d, err := cmd.Decide(e.state)
	if err != nil {
		if q := e.state.quarantinedFor(err); q != nil {
			return Aggregate{}, nil, Expect{}, q
		}
		return Aggregate{}, nil, Expect{}, err
	}
	if q := e.state.Quarantined(d.Aggregate); q != nil {
		return Aggregate{}, nil, Expect{}, q
	}
	evs, expect, err := e.state.Events(d, meta)
	if err == nil {
		err = e.state.checkTimes(d.Aggregate, evs, given, now)
	}
	return d.Aggregate, evs, expect, err
}

// Now is the time on the Engine's clock: what a business time given with a
// command is measured against.
func (e *Engine) Now() time.Time { return e.clock.Now() }

// catchUp waits until the State has applied the change that beat ours.
func (e *Engine) catchUp(ctx context.Context, c *ConflictError) error {
	seq := c.Actual
	if seq == 0 {
		last, err := e.store.LastSeq(ctx)
		if err != nil {
			return err
		}
		seq = last
	}
	return e.WaitFor(ctx, seq)
}

// Events builds the envelopes of a decision's events, with aggregate
// versions continuing the aggregate's, and the condition their append puts
// on the log: the aggregate's last sequence, which is "new" for an aggregate
// without events. Feedback partitions take any sequence (see KindFeedback).
//
// Errors: ErrInvalid.
func (s *State) Events(d Decision, meta Meta) ([]Event, Expect, error) {
	st := s.streams[d.Aggregate]
	expect := ExpectSeq(st.Seq)
	if d.Aggregate.Kind == KindFeedback {
		expect = ExpectAny()
	}
	evs := make([]Event, 0, len(d.Events))
	for i, p := range d.Events {
		m := meta
		m.Time = eventTime(p, meta)
		if meta.EventID != nil {
			m.id = meta.EventID(i)
		}
		ev, err := buildEvent(d.Aggregate, p, st.Version+uint64(i)+1, m)
		if err != nil {
			return nil, Expect{}, err
		}
		evs = append(evs, ev)
	}
	return evs, expect, nil
}
