package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"cxtracker/events"
)

// Model is one read model built from the log. Apply is called for every
// event in stream order, with its payload decoded and upcast once for all
// models, from one goroutine: the replay that feeds it (see Replay). A
// model guards its own data for the readers that query it concurrently.
type Model interface {
	// Name names the model in logs, metrics and readiness.
	Name() string
	// Apply folds one event into the model. An error (or a panic) is the
	// model's own failure: it is logged and counted, and the other models
	// go on.
	Apply(rec events.Record, p events.Payload) error
}

// Projector follows the log from the start (or a snapshot) and applies each
// event to the Engine's state and every model. Handlers wait on it to read
// their own writes and to honour X-Min-Seq.
type Projector struct {
	store  events.Store
	engine *events.Engine
	models []Model
	log    *slog.Logger

	// hold is held while a record is applied everywhere: a checkpoint
	// takes it to see everything at one sequence.
	hold sync.Mutex

	mu      sync.Mutex
	lastSeq uint64
	// digest is the log's digest at lastSeq, before at the sequence
	// before it, which a checkpoint keeps.
	digest, before events.Digest
	changed        chan struct{}
	// watched says someone waits on changed: applying a record replaces
	// it only then, so that a replay nobody waits on makes no channel
	// for every record.
	watched    bool
	quarantine quarantine
	stopped    error

	caughtUp atomic.Bool
	// target is the log's last sequence when Run began: caught up means
	// applied up to it.
	target atomic.Uint64
	// count is the records applied since start, for Applied.
	count atomic.Uint64
	// erasures are told of each erasure applied (OnErasure).
	erasures atomic.Pointer[[]func(subject string)]
}

// Failure is what a model's failing looks like from outside.
type Failure struct {
	Model   string
	Count   uint64
	LastSeq uint64
	Last    string
}

// NewProjector applies the log to engine and models. It becomes the
// engine's feed (events.Engine.FedBy): a write then waits once, for the
// models as well as the engine, and fails at once with ErrStopped when the
// projector has stopped.
func NewProjector(store events.Store, engine *events.Engine, log *slog.Logger, models ...Model) *Projector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Projector{store: store, engine: engine, models: models, log: log, changed: make(chan struct{})}
	if engine != nil {
		engine.FedBy(p)
	}
	return p
}

// Run catches up with the log, marks the projector caught up, then follows
// it until ctx ends or the log cannot be read on (the log gone), which stops
// it for good and is what Ready reports. A record that cannot be applied (a
// gap, an undecodable or unknown event, one a model refuses) is quarantined
// and skipped: see Quarantine.
func (p *Projector) Run(ctx context.Context) error {
	if err := p.catchUpStores(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return p.stop(err)
	}
	target, err := p.store.LastSeq(ctx)
	if err != nil {
		return p.stop(err)
	}
	p.target.Store(target)
	if p.LastSeq() >= target {
		p.markCaughtUp()
	}
	_, err = Replay(ctx, p.store, Range{After: p.Digest(), Follow: true}, p.models, Options{Engine: p.engine, Progress: p.applied, Hold: &p.hold})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return p.stop(err)
}

func (p *Projector) stop(err error) error {
	p.mu.Lock()
	p.stopped = err
	close(p.changed) // waiters wake, find it stopped, and give up
	p.changed = make(chan struct{})
	p.mu.Unlock()
	p.log.Error("projections stopped", "err", err)
	return err
}

// applied keeps what became of one record that Replay applied to the state
// and every model (a record that could not be applied is quarantined and
// skipped), then wakes waiters.
func (p *Projector) applied(s Step) error {
	for _, q := range s.Quarantined {
		p.quarantined(q)
	}
	p.count.Add(1)
	if s.Erased != "" {
		p.erased(s.Erased)
	}
	seq := s.Digest.Seq
	// Caught up is marked before the waiters wake: whoever waited for this
	// sequence must find the projector caught up.
	if !p.caughtUp.Load() && seq >= p.target.Load() {
		p.caughtUp.Store(true)
		p.log.Info("projections caught up", "seq", seq)
	}
	p.mu.Lock()
	p.lastSeq = seq
	p.before, p.digest = p.digest, s.Digest
	if p.watched {
		close(p.changed)
		p.changed, p.watched = make(chan struct{}), false
	}
	p.mu.Unlock()
	return nil
}

// OnErasure has fn told of each erasure of a data subject's key that the
// projector applies, on every replica, once every model has applied it
// and before a write waiting for it goes on: whoever keeps copies of
// personal data beside the models (views kept for time travel) drops
// them there. fn runs on the projector's goroutine, so it must be quick.
func (p *Projector) OnErasure(fn func(subject string)) {
	for {
		old := p.erasures.Load()
		var fns []func(string)
		if old != nil {
			fns = append(fns, *old...)
		}
		fns = append(fns, fn)
		if p.erasures.CompareAndSwap(old, &fns) {
			return
		}
	}
}

// erased tells those who asked (OnErasure) of the erasure of subject.
func (p *Projector) erased(subject string) {
	if fns := p.erasures.Load(); fns != nil {
		for _, fn := range *fns {
			fn(subject)
		}
	}
}

func (p *Projector) quarantined(q Quarantined) {
	p.log.Error("event quarantined: skipped, and its aggregate takes no commands", "seq", q.Seq, "subject", q.Subject,
		"type", q.Type, "kind", q.Kind, "reason", q.Reason, "model", q.Model)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.quarantine.add(q)
}

// LastSeq is the sequence of the newest event applied everywhere.
func (p *Projector) LastSeq() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastSeq
}

// Stream is where agg stands in the Engine's state: its version (what a
// client sends as If-Match) and the sequence of its last event. It is read
// between two records, when the state and every model stand at the same
// sequence, so a view read after it holds at least that much: the version
// answered beside a view is never newer than the view.
func (p *Projector) Stream(agg events.Aggregate) events.Stream {
	var st events.Stream
	if p.engine == nil {
		return st
	}
	p.hold.Lock()
	defer p.hold.Unlock()
	p.engine.View(func(s *events.State) { st = s.Stream(agg) })
	return st
}

// Digest is the running digest of the log up to the last event applied.
func (p *Projector) Digest() events.Digest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.digest
}

// markCaughtUp says the projector has caught up with nothing to apply, and
// wakes whoever waits for it.
func (p *Projector) markCaughtUp() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.caughtUp.Store(true)
	close(p.changed)
	p.changed = make(chan struct{})
}

// WaitCaughtUp returns once the projector has caught up with the log as it
// was when Run began.
//
// Errors: ErrStopped, ctx.Err().
func (p *Projector) WaitCaughtUp(ctx context.Context) error {
	return p.waitUntil(ctx, func() bool { return p.caughtUp.Load() })
}

// CaughtUp reports whether the projector has applied the log as it was when
// it started: before that, the views are a past state.
func (p *Projector) CaughtUp() bool { return p.caughtUp.Load() }

// Applied counts the events applied since start.
func (p *Projector) Applied() uint64 { return p.count.Load() }

// ErrStopped says the projector no longer follows the log.
var ErrStopped = errors.New("projections stopped")

// WaitFor returns once every model has applied seq.
//
// Errors: ErrStopped, ctx.Err().
func (p *Projector) WaitFor(ctx context.Context, seq uint64) error {
	return p.waitUntil(ctx, func() bool { return p.lastSeq >= seq })
}

// waitUntil returns once done (checked under the lock) holds, waking each
// time the projector moves on, stops, or catches up.
func (p *Projector) waitUntil(ctx context.Context, done func() bool) error {
	for {
		p.mu.Lock()
		ok, changed, stopped := done(), p.changed, p.stopped
		p.watched = p.watched || !ok && stopped == nil
		p.mu.Unlock()
		if ok {
			return nil
		}
		if stopped != nil {
			return fmt.Errorf("%w: %v", ErrStopped, stopped)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Ready is nil once the projector has caught up with the log; otherwise it
// says what is wrong. Quarantined records do not make it fail: they are
// skipped, listed by Quarantine and counted in /metrics.
func (p *Projector) Ready() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped != nil {
		return fmt.Errorf("%w at seq %d: %v", ErrStopped, p.lastSeq, p.stopped)
	}
	if !p.caughtUp.Load() {
		return fmt.Errorf("catching up with the log, at seq %d", p.lastSeq)
	}
	return nil
}

// Failures counts, by model, the events each read model refused, for
// /metrics.
func (p *Projector) Failures() []Failure {
	p.mu.Lock()
	defer p.mu.Unlock()
	by := map[string]*Failure{}
	var out []Failure
	for _, q := range p.quarantine.list {
		if q.Model == "" {
			continue
		}
		f := by[q.Model]
		if f == nil {
			f = &Failure{Model: q.Model}
			by[q.Model] = f
		}
		f.Count++
		f.LastSeq, f.Last = q.Seq, q.Reason
	}
	for _, f := range by {
		out = append(out, *f)
	}
	return out
}

// Models are the read models the projector feeds.
func (p *Projector) Models() []Model { return p.models }

// Checkpoint saves the Engine's state and every model as they stand, at
// one sequence: it holds the projector between two records while they
// serialise in memory (writers' answers wait meanwhile, their appends do
// not). Nil when nothing has been applied yet.
func (p *Projector) Checkpoint() (*Checkpoint, error) {
	p.hold.Lock()
	c, err := p.capture()
	p.hold.Unlock()
	if c == nil {
		return nil, err
	}
	return c.seal(), nil
}

// capture is Checkpoint with the projector held, its parts not yet
// sealed.
func (p *Projector) capture() (*Checkpoint, error) {
	p.mu.Lock()
	at, before, q := p.digest, p.before, p.quarantine
	p.mu.Unlock()
	if at.Seq == 0 {
		return nil, nil
	}
	return capture(p.engine, p.models, at, before, q)
}

// Restore loads a checkpoint into the Engine and the models, which must be
// fresh, before Run: Run then replays the log from the sequence after the
// checkpoint's, its digest carrying on from the checkpoint's. On an error
// the Engine and models may hold part of it: start again with fresh ones.
func (p *Projector) Restore(c *Checkpoint) error {
	at, err := c.At()
	if err != nil {
		return err
	}
	before, err := c.BeforeAt()
	if err != nil {
		return err
	}
	q, err := c.restore(p.engine, p.models)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastSeq, p.digest, p.before, p.quarantine = at.Seq, at, before, q
	return nil
}

// Rebuild replays the log as it stands from where the projector is (the
// start, or a checkpoint restored) to its end, without following it, as
// Run would: for cxtracker verify. After each record, progress (if not
// nil) is told what became of it, and, at each sequence want names, got is
// handed a checkpoint of that point.
//
// Errors: those of Replay, and of progress and got.
func (p *Projector) Rebuild(ctx context.Context, want func(seq uint64) bool, got func(*Checkpoint) error, progress func(Step) error) (Result, error) {
	if err := p.catchUpStores(ctx); err != nil {
		return Result{Digest: p.Digest()}, err
	}
	return Replay(ctx, p.store, Range{After: p.Digest()}, p.models, Options{Engine: p.engine, Hold: &p.hold, Progress: func(s Step) error {
		if err := p.applied(s); err != nil {
			return err
		}
		if progress != nil {
			if err := progress(s); err != nil {
				return err
			}
		}
		if want == nil || !want(s.Digest.Seq) {
			return nil
		}
		c, err := p.capture()
		if err != nil {
			return err
		}
		return got(c.seal())
	}})
}
