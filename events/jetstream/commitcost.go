package jetstream

import (
	"slices"
	"sync"
	"time"
)

// commitCost keeps what each way of committing a group of appends has
// recently cost, so the batcher can take the cheaper one. With SyncAlways a
// plain publish costs one fsync per event; an atomic batch costs about the
// same whatever its size, but that cost is many fsyncs (the server stages
// each batch in a store of its own). So a few single-event appends are
// cheaper published side by side, and many are cheaper as one batch.
//
// A disk's timings jump about, so each cost is the median of its recent
// samples. Only the way in use is measured. While plain publishes are in
// use and the choice is close, a batch figure gone stale is measured afresh
// by batching for a moment; that also lets a crowd of writers that began
// plainly find out that it is cheaper as a herd. A plain figure is not
// tried that way, since that would split a herd; instead a herd holds to
// its batch near a tie only while the plain figure is fresh (herdTrust).
type commitCost struct {
	mu sync.Mutex
	// batch samples the duration of one atomic batch commit; event the
	// duration per event of plain publishes made side by side.
	batch, event costSamples
	// window is when the current run of busy plain publishing began, and
	// done how many publishes it has answered.
	window time.Time
	done   int
	// trialAt is when the last trial of batches began, trialUntil when
	// it ends.
	trialAt, trialUntil time.Time
}

// Starting guesses, from a single-replica file stream on a 2-core machine.
const (
	initialBatchCost = 4 * time.Millisecond
	initialEventCost = 250 * time.Microsecond
)

// costStale is how old the batch cost may grow before a close choice
// measures it again, by batching for costTrial, at most once a costStale;
// costClose is how near, as a ratio, the two ways must be for the choice to
// be close. herdTrust is how long a plain figure keeps a herd batched near a
// tie: older, the herd is weighed as other appends are, so that it can go
// plain and the plain figure be measured again.
const (
	costStale = 500 * time.Millisecond
	costTrial = 20 * time.Millisecond
	costClose = 2
	herdTrust = 2 * time.Second
)

// newCommitCost starts from the guesses, which count as fresh for their
// first costStale.
func newCommitCost() *commitCost {
	c, now := &commitCost{}, time.Now()
	c.batch.add(initialBatchCost, now)
	c.event.add(initialEventCost, now)
	return c
}

// plainCheaper reports whether n single-event appends cost less published
// side by side than as one atomic batch. A herd, callers just answered by a
// batch, is kept in one batch unless plain publishes are clearly cheaper
// (costClose): measured side by side, a herd split between the two ways
// costs more than either way, and near a tie the figures are within their
// own noise. Other appends go plain if that costs under plainShare of the
// batch: measured side by side at 16 writers, plain publishes delivered a
// fifth less than the time between their answers promised (each is a round
// trip of its own on two small processors), and a batch a little more than
// its commit time did.
func (c *commitCost) plainCheaper(n int, herd bool) bool {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Before(c.trialUntil) {
		return false
	}
	plain, batch := time.Duration(n)*c.event.median(), c.batch.median()
	if n > 1 && plain < costClose*batch && batch < costClose*plain && c.batch.staleAt(now, costStale) && now.Sub(c.trialAt) > costStale {
		c.trialAt, c.trialUntil = now, now.Add(costTrial)
		return false
	}
	if herd && !c.event.staleAt(now, herdTrust) {
		return plain*costClose < batch
	}
	return plain*100 < batch*plainShare
}

// plainShare is the percentage of a batch's cost that plain publishes other
// than a herd must come under.
const plainShare = 80

// observeBatch records an atomic batch's commit time.
func (c *commitCost) observeBatch(d time.Duration) {
	now := time.Now()
	c.mu.Lock()
	c.batch.add(d, now)
	c.mu.Unlock()
}

// observePlain records a plain publish answered at now, with others still
// under way. While others are under way the server is busy with them, so
// the time between answers is what one publish costs it. Answers come back
// in bursts, so that time is measured over a busy run: from the answer that
// opens it to the one that empties it, or costWindow at most, over the
// answers in between. A run of fewer than costRunMin answers is no sample.
func (c *commitCost) observePlain(now time.Time, others int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.window.IsZero() {
		c.done++
		took := now.Sub(c.window)
		if others > 0 && took < costWindow {
			return
		}
		if c.done >= costRunMin {
			c.event.add(took/time.Duration(c.done), now)
		}
	}
	c.window, c.done = time.Time{}, 0
	if others > 0 {
		c.window = now
	}
}

// costRunMin is the fewest answers a busy run of plain publishes is
// measured over.
const costRunMin = 4

// costWindow is the longest run of plain publishes measured as one.
const costWindow = 20 * time.Millisecond

// costSamples are the latest samples of one cost, their median, and when
// the last came. The median is kept as samples come, which is far rarer than
// the decisions that read it (one per append).
type costSamples struct {
	ring [costSampleCount]time.Duration
	n    int
	med  time.Duration
	at   time.Time
}

// costSampleCount is how many recent samples a cost is the median of.
const costSampleCount = 9

func (s *costSamples) add(d time.Duration, now time.Time) {
	s.ring[s.n%costSampleCount] = d
	s.n++
	s.at = now
	held := s.ring
	sorted := held[:min(s.n, costSampleCount)]
	slices.Sort(sorted)
	s.med = sorted[len(sorted)/2]
}

// median is the median of the samples held.
func (s *costSamples) median() time.Duration { return s.med }

// staleAt reports whether the last sample is older than age at now.
func (s *costSamples) staleAt(now time.Time, age time.Duration) bool { return now.Sub(s.at) > age }
