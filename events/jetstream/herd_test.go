package jetstream

import (
	"testing"
	"time"
)

// long stands for "forever" in these tests: a gather that waits it out
// fails them by their deadline.
const long = time.Minute

// newGatherer is a batcher with only what gathering needs: the queue, the
// herd, and lingers of a minute, so any needless wait shows.
func newGatherer(memory time.Duration) *batcher {
	return &batcher{in: make(chan *pending, 16), herd: herd{memory: memory}, lingerGap: long, lingerMax: long, maxBatch: MaxBatch,
		committing: make(chan struct{}, 1)}
}

func single() *pending { return &pending{msgs: make([]outMsg, 1)} }

// arrive submits p to the batcher's queue as submit does.
func arrive(b *batcher, p *pending) {
	b.herd.arrived()
	b.in <- p
}

// gatherWithin runs gather on queue and fails the test if it takes longer
// than d.
func gatherWithin(t *testing.T, b *batcher, queue []*pending, d time.Duration) []*pending {
	t.Helper()
	done := make(chan []*pending, 1)
	go func() { done <- b.gather(queue) }()
	select {
	case q := <-done:
		return q
	case <-time.After(d):
		t.Fatalf("gather still waiting after %v", d)
		return nil
	}
}

func TestGatherWaitsForEveryCallerOfTheLastBatch(t *testing.T) {
	b := newGatherer(long)
	b.herd.answered(3)
	first := single()
	b.herd.arrived()
	go func() {
		for range 2 {
			time.Sleep(20 * time.Millisecond)
			arrive(b, single())
		}
	}()
	q := gatherWithin(t, b, []*pending{first}, 10*time.Second)
	if len(q) != 3 {
		t.Fatalf("gathered %d appends, want the herd of 3", len(q))
	}
}

func TestGatherStopsOnceTheHerdIsBack(t *testing.T) {
	b := newGatherer(long)
	b.herd.answered(2)
	arrive(b, single())
	arrive(b, single())
	if q := gatherWithin(t, b, nil, 10*time.Second); len(q) != 2 {
		t.Fatalf("gathered %d appends, want 2", len(q))
	}
}

func TestGatherStopsAtAFullBatch(t *testing.T) {
	b := newGatherer(long)
	b.maxBatch = 2
	b.herd.answered(5)
	arrive(b, single())
	arrive(b, single())
	if q := gatherWithin(t, b, nil, 10*time.Second); len(q) != 2 {
		t.Fatalf("gathered %d appends, want the 2 a batch holds", len(q))
	}
}

func TestGatherDoesNotWaitWithoutAHerd(t *testing.T) {
	b := newGatherer(long)
	if q := gatherWithin(t, b, []*pending{single()}, 10*time.Second); len(q) != 1 {
		t.Fatalf("gathered %d appends, want the 1 queued", len(q))
	}
	// A herd answered longer ago than its memory is not waited for.
	b = newGatherer(time.Millisecond)
	b.herd.answered(5)
	time.Sleep(5 * time.Millisecond)
	if q := gatherWithin(t, b, []*pending{single()}, 10*time.Second); len(q) != 1 {
		t.Fatalf("gathered %d appends, want the 1 queued", len(q))
	}
}
