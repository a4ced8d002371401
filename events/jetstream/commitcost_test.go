package jetstream

import (
	"testing"
	"time"
)

// costsOf is a commitCost whose samples are plain and batch, fresh (taken
// now) or stale (taken long ago).
func costsOf(plain, batch time.Duration, plainFresh, batchFresh bool) *commitCost {
	at := func(fresh bool) time.Time {
		if fresh {
			return time.Now()
		}
		return time.Time{}
	}
	c := &commitCost{}
	c.event.add(plain, at(plainFresh))
	c.batch.add(batch, at(batchFresh))
	return c
}

func TestPlainOrBatchByWhatEachHasCost(t *testing.T) {
	c := costsOf(250*time.Microsecond, 4*time.Millisecond, true, true)
	for n, plain := range map[int]bool{1: true, 8: true, 15: true, 17: false, 256: false} {
		if got := c.plainCheaper(n); got != plain {
			t.Errorf("%d appends: plain %v, want %v", n, got, plain)
		}
	}
}

func TestCostIsTheMedianOfRecentSamples(t *testing.T) {
	var s costSamples
	for _, d := range []time.Duration{3, 90, 4, 5, 2} {
		s.add(d*time.Millisecond, time.Now())
	}
	if got := s.median(); got != 4*time.Millisecond {
		t.Fatalf("median %v, want 4ms: one slow sample must not move it", got)
	}
	// Only the latest costSampleCount samples count.
	for range costSampleCount {
		s.add(time.Millisecond, time.Now())
	}
	if got := s.median(); got != time.Millisecond {
		t.Fatalf("median %v after newer samples, want 1ms", got)
	}
}

func TestAStaleCostIsMeasuredAgainWhenTheChoiceIsClose(t *testing.T) {
	// The batch figure is stale and 16 plain publishes cost about one
	// batch: the next group is batched to measure it, and so is all else
	// for the length of the trial.
	c := costsOf(250*time.Microsecond, 4*time.Millisecond, true, false)
	if c.plainCheaper(16) {
		t.Fatal("a close choice with a stale batch cost did not try a batch")
	}
	if c.plainCheaper(2) {
		t.Fatal("the trial of batches ended before its time")
	}
	// A stale plain figure is tried the same way.
	c = costsOf(250*time.Microsecond, 4*time.Millisecond, false, true)
	if !c.plainCheaper(17) {
		t.Fatal("a close choice with a stale plain cost did not try plain publishes")
	}
	// Far from close, a stale figure changes nothing.
	c = costsOf(250*time.Microsecond, 4*time.Millisecond, false, false)
	if c.plainCheaper(1000) || !c.plainCheaper(1) {
		t.Fatal("a stale cost was tried on a choice that is not close")
	}
}
