package jetstream

import (
	"sync/atomic"
	"time"
)

// herd remembers the callers an atomic batch has just answered. Writers that
// wait for each answer before appending again (command handlers, importers,
// the benchmark's goroutines) leave in a herd when their batch is answered
// and come back together a moment later. Expecting them keeps the herd in
// one batch: without it the first few back are published on their own or
// sent as a batch of their own, and the rest form another, each paying the
// batch's fixed cost.
type herd struct {
	// arrivals counts appends submitted; size is how many appends the last
	// batch answered, at when (nanoseconds on the monotonic clock, since
	// clockStart), and then the arrivals by that time.
	arrivals, size, at, then atomic.Int64
	// memory is how soon the callers are expected back: herdMemory.
	memory time.Duration
}

// herdMemory is how soon the callers of a batch are expected back: longer
// than a batch waits for them (lingerMax). Those who take longer are not a
// herd: they are published as any other append.
const herdMemory = 4 * time.Millisecond

// clockStart anchors the herd's times to the monotonic clock, so that a
// step of the wall clock cannot make an old herd look recent.
var clockStart = time.Now()

// arrived counts an append in.
func (h *herd) arrived() { h.arrivals.Add(1) }

// answered notes a batch of n appends about to be answered.
func (h *herd) answered(n int) {
	h.size.Store(int64(n))
	h.then.Store(h.arrivals.Load())
	h.at.Store(int64(time.Since(clockStart)))
}

// recent reports whether the last batch was answered within memory.
func (h *herd) recent() bool {
	return time.Since(clockStart)-time.Duration(h.at.Load()) <= h.memory
}

// returning is how many callers of the last batch are expected back and are
// not back yet: none once its memory has passed.
func (h *herd) returning() int {
	if !h.recent() {
		return 0
	}
	return max(0, int(h.size.Load()-(h.arrivals.Load()-h.then.Load())))
}
