package jetstream_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestAnEventStillBeingStoredIsTriedAgain(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "journey", ID: events.NewID()}
	jetstream.AnswerBusy(st, 2)
	res := mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "mapped", 1))
	if left := jetstream.FaultsLeft(st); left != 0 {
		t.Fatalf("%d staged busy answers never came", left)
	}
	if res.FirstSeq != 1 || res.Duplicate {
		t.Fatalf("append answered %+v, want seq 1 stored by this append", res)
	}
	assertStoredOnce(t, st, agg, 1)
}

// A group commit whose acknowledgement is lost is settled append by append:
// every writer is told where its event is, and nothing is stored twice.
func TestALostGroupCommitAcknowledgementIsSettledAppendByAppend(t *testing.T) {
	st := jstest.Start(t)
	const writers = 256
	jetstream.LoseBatchAcks(st, 1)
	aggs, res, errs := formCrews(t, st, writers, nil)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if left := jetstream.FaultsLeft(st); left != 0 {
		t.Fatal("no group commit happened for the staged lost acknowledgement to strike")
	}
	// Settled one by one, each append is counted as committed on its own.
	if cs := st.CommitStats(); cs.BatchedAppends+cs.PlainAppends != writers {
		t.Errorf("commit stats %+v account for %d appends, want %d", cs, cs.BatchedAppends+cs.PlainAppends, writers)
	}
	if recs := readAll(t, st); len(recs) != writers {
		t.Fatalf("log holds %d events, want %d", len(recs), writers)
	}
	assertToldOwnSeq(t, st, aggs, res)
}

// assertStoredOnce checks that the aggregate holds want events, each id once.
func assertStoredOnce(t *testing.T, st events.Store, agg events.Aggregate, want int) {
	t.Helper()
	recs := ofAggregate(readAll(t, st), agg)
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.Event.ID] {
			t.Fatalf("event %s is stored twice", r.Event.ID)
		}
		seen[r.Event.ID] = true
	}
	if len(recs) != want {
		t.Fatalf("aggregate holds %d events, want %d", len(recs), want)
	}
}

// Closing the store answers the appends of the batches under way with what
// became of them: an append told ErrUnavailable must not be in the log.
// A staged hold keeps an atomic batch under way until Close begins, so
// that Close always meets one in flight.
func TestCloseAnswersTheBatchesUnderWayWithTheirOutcome(t *testing.T) {
	st := jstest.Start(t)
	const writers = 256
	held := jetstream.HoldBatchUntilClose(st)
	aggs, _, errs := formCrews(t, st, writers, func() {
		select {
		case <-held:
		case <-time.After(time.Minute):
			// Not a timed assertion: a bound on a wait that must end.
			t.Error("no atomic batch was under way for Close to meet")
		}
		st.Close()
	})
	// The batch held under way when Close began was sent and answered.
	if left := jetstream.FaultsLeft(st); left != 0 || st.CommitStats().Batches == 0 {
		t.Fatalf("the batch in flight at Close was not committed: %+v, %d staged faults left", st.CommitStats(), left)
	}
	stored := map[string]bool{}
	for _, r := range readAll(t, st) {
		stored[r.Subject] = true
	}
	unavailable := 0
	for w, err := range errs {
		in := stored[aggs[w].Subject("formed")]
		switch {
		case err == nil && !in:
			t.Fatalf("writer %d was told its append is stored, and it is not", w)
		case errors.Is(err, events.ErrUnavailable) && in:
			t.Fatalf("writer %d was told the store is unavailable, yet its append is stored", w)
		case err != nil && !errors.Is(err, events.ErrUnavailable):
			t.Fatalf("writer %d: %v", w, err)
		case err != nil:
			unavailable++
		}
	}
	t.Logf("%d of %d appends were stored before the store closed", writers-unavailable, writers)
}

// formCrews has n writers at once each form a crew of its own, and answers
// what each was told. during, if set, runs while they are under way.
func formCrews(t *testing.T, st *jetstream.Store, n int, during func()) ([]events.Aggregate, []events.Appended, []error) {
	aggs := make([]events.Aggregate, n)
	res := make([]events.Appended, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		aggs[w] = events.Aggregate{Kind: "crew", ID: events.NewID()}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[w], errs[w] = st.Append(context.Background(), aggs[w], events.ExpectNew(), testEvent(t, aggs[w], "formed", 1))
		}()
	}
	if during != nil {
		during()
	}
	wg.Wait()
	return aggs, res, errs
}
