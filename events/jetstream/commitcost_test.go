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
	// Plain must come under plainShare (80%) of the batch's 4ms: 12
	// publishes (3ms) do, 13 (3.25ms) do not.
	for n, plain := range map[int]bool{1: true, 8: true, 12: true, 13: false, 256: false} {
		if got := c.plainCheaper(n, false); got != plain {
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

func TestAStaleBatchCostIsTriedNearATieAtMostOnceInAWhile(t *testing.T) {
	// The batch figure is stale and 12 plain publishes (3ms) come near one
	// batch (4ms): the next appends are batched to measure it, all of them
	// for the length of the trial.
	c := costsOf(250*time.Microsecond, 4*time.Millisecond, true, false)
	if c.plainCheaper(12, false) {
		t.Fatal("a close choice with a stale batch cost did not try a batch")
	}
	if c.plainCheaper(2, false) {
		t.Fatal("the trial of batches ended before its time")
	}
	// Over, with no batch measured, the trial is not begun again at once.
	time.Sleep(costTrial + 5*time.Millisecond)
	if !c.plainCheaper(12, false) {
		t.Fatal("a second trial began straight after the first")
	}
	// Far from close, a stale figure changes nothing.
	c = costsOf(250*time.Microsecond, 4*time.Millisecond, false, false)
	if c.plainCheaper(1000, false) || !c.plainCheaper(1, false) {
		t.Fatal("a stale cost was tried on a choice that is not close")
	}
}

func TestPlainCostIsTheTimeBetweenAnswersWhileTheServerIsBusy(t *testing.T) {
	c := &commitCost{}
	t0 := time.Now()
	// Nine publishes under way, answered 300µs apart: the first answer
	// opens the run, the last (nothing left under way) closes it.
	for i := range 9 {
		c.observePlain(t0.Add(time.Duration(i)*300*time.Microsecond), int64(8-i))
	}
	if c.event.n != 1 {
		t.Fatalf("%d samples from one busy run, want 1", c.event.n)
	}
	if got := c.event.median(); got != 300*time.Microsecond {
		t.Fatalf("cost %v, want 300µs", got)
	}
	// Answers with nothing else under way say nothing of the cost: the
	// server may have idled between them.
	c = &commitCost{}
	for i := range 5 {
		c.observePlain(t0.Add(time.Duration(i)*time.Second), 0)
	}
	if c.event.n != 0 {
		t.Fatalf("%d samples taken from lone publishes", c.event.n)
	}
}

func TestAHerdStaysInOneBatchUnlessPlainIsClearlyCheaper(t *testing.T) {
	c := costsOf(250*time.Microsecond, 4*time.Millisecond, true, true)
	// 12 plain publishes cost 3ms against the batch's 4ms: cheaper, but
	// not clearly, so a herd of 12 stays a batch; other appends go plain.
	if c.plainCheaper(12, true) {
		t.Fatal("a herd of 12 was split into plain publishes at a near tie")
	}
	if !c.plainCheaper(12, false) {
		t.Fatal("12 appends that are no herd were batched though plain is cheaper")
	}
	// Plain at under half the batch's cost takes even a herd.
	if !c.plainCheaper(7, true) {
		t.Fatal("a herd of 7 was batched though plain costs under half as much")
	}
	// On a stale plain figure a herd is weighed as other appends are, so
	// that it can go plain and the figure be measured again.
	c = costsOf(250*time.Microsecond, 4*time.Millisecond, false, true)
	if !c.plainCheaper(12, true) {
		t.Fatal("a herd held to its batch near a tie on a stale plain figure")
	}
}
