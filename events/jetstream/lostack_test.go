package jetstream_test

import (
	"context"
	"sync"
	"testing"

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
	aggs := make([]events.Aggregate, writers)
	seqs := make([]uint64, writers)
	var wg sync.WaitGroup
	for w := range writers {
		aggs[w] = events.Aggregate{Kind: "crew", ID: events.NewID()}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := st.Append(context.Background(), aggs[w], events.ExpectNew(), testEvent(t, aggs[w], "formed", 1))
			if err != nil {
				t.Error(err)
				return
			}
			seqs[w] = res.LastSeq
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if left := jetstream.FaultsLeft(st); left != 0 {
		t.Fatal("no group commit happened for the staged lost acknowledgement to strike")
	}
	// Settled one by one, each append is counted as committed on its own.
	if cs := st.CommitStats(); cs.BatchedAppends+cs.PlainAppends != writers {
		t.Errorf("commit stats %+v account for %d appends, want %d", cs, cs.BatchedAppends+cs.PlainAppends, writers)
	}
	recs := readAll(t, st)
	if len(recs) != writers {
		t.Fatalf("log holds %d events, want %d", len(recs), writers)
	}
	for w, agg := range aggs {
		r := recs[seqs[w]-1]
		if r.Subject != agg.Subject("formed") {
			t.Fatalf("writer %d was told seq %d, which holds %s", w, seqs[w], r.Subject)
		}
	}
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
