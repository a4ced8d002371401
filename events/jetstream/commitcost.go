package jetstream

import (
	"sync"
	"time"
)

// commitCost keeps what each way of committing a group of appends has
// recently cost, so the batcher can take the cheaper one. With SyncAlways a
// plain publish costs one fsync per event; an atomic batch costs about the
// same whatever its size, but that cost is many fsyncs (the server stages
// each batch in a store of its own). So a few single-event appends are
// cheaper published side by side, and many are cheaper as one batch.
type commitCost struct {
	mu sync.Mutex
	// batch is the recent duration of one atomic batch commit; event is the
	// recent duration per event of plain publishes made side by side.
	batch, event time.Duration
	// window is when the current run of busy plain publishing began, and
	// done how many publishes it has answered.
	window time.Time
	done   int
}

// Starting guesses, from a single-replica file stream on a 2-core machine.
const (
	initialBatchCost = 4 * time.Millisecond
	initialEventCost = 250 * time.Microsecond
)

func newCommitCost() *commitCost {
	return &commitCost{batch: initialBatchCost, event: initialEventCost}
}

// plainCheaper reports whether n single-event appends cost less published
// side by side than as one atomic batch. The two are weighed evenly: a batch
// waits for its herd of callers to come back (see herd), so it loses no
// more to the pause between batches than plain publishes lose to their
// round trips.
func (c *commitCost) plainCheaper(n int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Duration(n)*c.event < c.batch
}

// observeBatch records an atomic batch's commit time.
func (c *commitCost) observeBatch(d time.Duration) {
	c.mu.Lock()
	c.batch = ewma(c.batch, d)
	c.mu.Unlock()
}

// observePlain records a plain publish answered at now after latency, with
// others still under way. Answers come back in bursts, so the cost of one is
// measured over a run: the time the run took over the publishes it answered,
// taken when the publishing pauses or every costWindow.
func (c *commitCost) observePlain(now time.Time, latency time.Duration, others int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.window.IsZero() {
		c.window, c.done = now.Add(-latency), 0
	}
	c.done++
	if took := now.Sub(c.window); others == 0 || took >= costWindow {
		c.event = ewma(c.event, took/time.Duration(c.done))
		c.window, c.done = time.Time{}, 0
		if others > 0 {
			c.window = now
		}
	}
}

// costWindow is the longest run of plain publishes measured as one.
const costWindow = 20 * time.Millisecond

// ewma weighs a new observation by a fifth.
func ewma(old, obs time.Duration) time.Duration { return old + (obs-old)/5 }
