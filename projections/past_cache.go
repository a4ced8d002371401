package projections

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"cxtracker/events"
)

// PastViews keeps the views built at a few cuts of the log (BuildViews),
// so that reads at one cut build them once: the newest max used are kept,
// the others closed. A read at a later sequence with the same as_of (the
// log grew: known_at defaults to now) carries an idle one on with only the
// records appended since, rather than replaying the log again; a replay
// applies records in sequence order whatever their business time, so that
// is the same as building afresh.
type PastViews struct {
	store events.Store
	max   int

	// building lets one build or carrying on run at a time, so that reads
	// at many cuts at once cost one core, not all.
	building sync.Mutex

	mu      sync.Mutex
	entries []*pastEntry
	tick    uint64
	// Built counts the views built from the log's start; Advanced those
	// carried on to a later sequence.
	Built, Advanced atomic.Uint64
}

type pastEntry struct {
	asOf   time.Time
	seq    uint64
	digest events.Digest
	views  *Views
	err    error
	ready  chan struct{} // closed once views (or err) is set for seq
	users  int
	used   uint64
	// wanted says a read ran out of time waiting for the views, and will
	// be asked again: the build goes on though no read waits for it.
	wanted bool
	// stale says the views may hold personal data erased since they were
	// built (Forget): no read takes them again, and they are closed once
	// no read holds them.
	stale bool
}

// NewPastViews keeps views at up to keep cuts of the log in store.
func NewPastViews(store events.Store, keep int) *PastViews {
	return &PastViews{store: store, max: max(keep, 1)}
}

// At answers the views at the cut, built or carried on from those kept,
// and a release to call when done reading them.
func (p *PastViews) At(ctx context.Context, cut Cut) (*Views, func(), error) {
	p.mu.Lock()
	p.tick++
	e, from := p.find(cut)
	switch {
	case e != nil && from == nil:
		// Built, or being built, at this cut.
	case from != nil:
		// An idle one of the same as_of at an earlier sequence: carry it on.
		e = from
		e.seq, e.ready, e.err = cut.Seq, make(chan struct{}), nil
		go p.build(e, true)
	default:
		e = &pastEntry{asOf: cut.AsOf, seq: cut.Seq, ready: make(chan struct{})}
		p.entries = append(p.entries, e)
		go p.build(e, false)
	}
	e.users++
	e.used = p.tick
	p.evict()
	p.mu.Unlock()
	release := func() {
		p.mu.Lock()
		e.users--
		p.evict()
		p.mu.Unlock()
	}
	if !isClosed(e.ready) {
		select {
		case <-e.ready:
		case <-ctx.Done():
			p.mu.Lock()
			// A read that ran out of time is asked again (the API answers
			// 503 with Retry-After): its build goes on.
			e.wanted = e.wanted || errors.Is(ctx.Err(), context.DeadlineExceeded)
			p.mu.Unlock()
			release()
			return nil, nil, ctx.Err()
		}
	}
	if e.err != nil {
		release()
		return nil, nil, e.err
	}
	return e.views, release, nil
}

// Forget drops every view kept, once no read holds it: an erasure's
// fields may be in them as they read before it.
func (p *PastViews) Forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.entries {
		e.stale = true
	}
	p.evict()
}

// find is the entry at the cut, or else an idle one of the same as_of
// below its sequence to carry on (the highest); p.mu is held.
func (p *PastViews) find(cut Cut) (at, from *pastEntry) {
	for _, e := range p.entries {
		if e.stale || !e.asOf.Equal(cut.AsOf) {
			continue
		}
		if e.seq == cut.Seq {
			return e, nil
		}
		idle := e.users == 0 && isClosed(e.ready) && e.err == nil
		if idle && e.seq < cut.Seq && (from == nil || e.seq > from.seq) {
			from = e
		}
	}
	return nil, from
}

// build builds or carries on e's views to its sequence, on its own
// context: a request that stops waiting leaves the work to the next that
// asks for the cut, unless none waits when its turn comes and none ran out
// of time waiting (wanted).
func (p *PastViews) build(e *pastEntry, carry bool) {
	p.building.Lock()
	defer p.building.Unlock()
	p.mu.Lock()
	abandoned := e.users == 0 && !e.wanted
	p.mu.Unlock()
	if abandoned {
		p.finish(e, e.views, e.digest, errAbandoned)
		return
	}
	ctx := context.Background()
	if carry {
		d, err := advanceViews(ctx, p.store, e.views, e.asOf, e.digest, e.seq)
		p.Advanced.Add(1)
		p.finish(e, e.views, d, err)
		return
	}
	v, d, err := BuildViews(ctx, p.store, Cut{AsOf: e.asOf, Seq: e.seq})
	p.Built.Add(1)
	p.finish(e, v, d, err)
}

func (p *PastViews) finish(e *pastEntry, v *Views, d events.Digest, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil && v != nil && e.views == v {
		// Carried on part way: its state is at no one sequence now.
		_ = v.Close()
		v = nil
	}
	e.views, e.digest, e.err = v, d, err
	close(e.ready)
	p.evict()
}

// evict closes and drops the least recently used entries beyond max that
// no one reads, and failed ones no one waits for; p.mu is held.
func (p *PastViews) evict() {
	for {
		var worst *pastEntry
		n := 0
		for _, e := range p.entries {
			if e.err == nil {
				n++
			}
			if e.users > 0 || !isClosed(e.ready) {
				continue
			}
			if e.err != nil || e.stale {
				worst = e
				break
			}
			if worst == nil || e.used < worst.used {
				worst = e
			}
		}
		if worst == nil || worst.err == nil && !worst.stale && n <= p.max {
			return
		}
		if worst.views != nil {
			_ = worst.views.Close()
		}
		for i, e := range p.entries {
			if e == worst {
				p.entries = append(p.entries[:i], p.entries[i+1:]...)
				break
			}
		}
	}
}

// errAbandoned ends a build no read waits for any more.
var errAbandoned = errors.New("no read waits for these views any more")

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
