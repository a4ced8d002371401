package jetstream_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestRetriedAppendIsRecognisedAndStoredOnce(t *testing.T) {
	for _, tc := range appendShapes {
		t.Run(tc.name, func(t *testing.T) {
			st, agg, created := createdJourney(t)
			evs := testEvents(t, agg, 2, tc.n)
			expect := tc.expect(created.LastSeq)
			first := mustAppend(t, st, agg, expect, evs...)
			// The same append again, as a client does when it lost the ack:
			// for a conditional append the expected sequence is now stale, and
			// the store must find its own events rather than call it a conflict.
			again := mustAppend(t, st, agg, expect, evs...)
			if !again.Duplicate || again.FirstSeq != first.FirstSeq || again.LastSeq != first.LastSeq {
				t.Fatalf("retry answered %+v, want the first append's %+v marked duplicate", again, first)
			}
			assertStoredOnce(t, st, agg, 1+tc.n)
		})
		// The store's own try loses its acknowledgement: it cannot know
		// whether the server stored the append, and must find out, answer
		// where the events are, and leave the append whole and stored once.
		t.Run(tc.name+", acknowledgement lost", func(t *testing.T) {
			st, agg, created := createdJourney(t)
			jetstream.LoseAcks(st, 1)
			res := mustAppend(t, st, agg, tc.expect(created.LastSeq), testEvents(t, agg, 2, tc.n)...)
			if left := jetstream.FaultsLeft(st); left != 0 {
				t.Fatalf("the staged lost acknowledgement never struck (%d left)", left)
			}
			if res.FirstSeq != created.LastSeq+1 || res.LastSeq != created.LastSeq+uint64(tc.n) {
				t.Fatalf("append answered %+v, want seqs %d..%d", res, created.LastSeq+1, created.LastSeq+uint64(tc.n))
			}
			assertStoredOnce(t, st, agg, 1+tc.n)
		})
	}
}

func TestRetriesRacingInOneBatchStoreOnce(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "feedback", ID: events.NewID()}
	evs := testEvents(t, agg, 1, 2)
	var wg sync.WaitGroup
	results := make([]events.Appended, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = mustAppend(t, st, agg, events.ExpectAny(), evs...)
		}()
	}
	wg.Wait()
	fresh := 0
	for _, r := range results {
		if !r.Duplicate {
			fresh++
		}
		if r.FirstSeq != 1 || r.LastSeq != 2 {
			t.Errorf("an append answered seqs %d..%d, want 1..2", r.FirstSeq, r.LastSeq)
		}
	}
	if fresh != 1 {
		t.Errorf("%d appends reported as new, want 1", fresh)
	}
	if got := len(readAll(t, st)); got != 2 {
		t.Fatalf("log holds %d events, want 2", got)
	}
}

func TestAppendOfSeveralEventsIsAllOrNothing(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	stored := mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "formed", 1))
	recs := readAll(t, st)

	// The third event reuses the id of an event already in the log, so the
	// server refuses it; the two before it must not be stored either.
	evs := testEvents(t, agg, 2, 3)
	evs[2].ID = recs[0].Event.ID
	_, err := st.Append(context.Background(), agg, events.ExpectSeq(stored.LastSeq), evs...)
	if !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("append with a stored id answered %v, want ErrInvalid", err)
	}
	// A stale expectation refuses the whole append too.
	_, err = st.Append(context.Background(), agg, events.ExpectNew(), testEvents(t, agg, 2, 3)...)
	if !errors.Is(err, events.ErrConflict) {
		t.Fatalf("stale append answered %v, want a conflict", err)
	}
	if got := len(readAll(t, st)); got != 1 {
		t.Fatalf("log holds %d events after refused appends, want 1", got)
	}
}

func TestOneConflictingAppendDoesNotFailOthersInItsBatch(t *testing.T) {
	st := jstest.Start(t)
	stale := events.Aggregate{Kind: "kpi", ID: events.NewID()}
	mustAppend(t, st, stale, events.ExpectNew(), testEvent(t, stale, "defined", 1))

	const others = 40
	var wg sync.WaitGroup
	errs := make([]error, others+1)
	start := make(chan struct{})
	for i := range others + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agg, expect := events.Aggregate{Kind: "kpi", ID: events.NewID()}, events.ExpectNew()
			if i == others {
				agg = stale // this one expects the aggregate not to exist
			}
			evs := testEvents(t, agg, 1, 2)
			<-start
			_, errs[i] = st.Append(context.Background(), agg, expect, evs...)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs[:others] {
		if err != nil {
			t.Errorf("append %d failed with %v", i, err)
		}
	}
	if !errors.Is(errs[others], events.ErrConflict) {
		t.Errorf("stale append answered %v, want a conflict", errs[others])
	}
	if got := len(readAll(t, st)); got != 1+2*others {
		t.Fatalf("log holds %d events, want %d", got, 1+2*others)
	}
}

func TestInvalidAppendsAreRefusedBeforeSending(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	other := events.Aggregate{Kind: "person", ID: events.NewID()}
	dup := testEvent(t, agg, "formed", 1)
	big := testEvent(t, agg, "formed", 1)
	big.Data = []byte(`"` + strings.Repeat("x", 2<<20) + `"`)
	for name, tc := range map[string]struct {
		agg events.Aggregate
		evs []events.Event
	}{
		"no events":         {agg, nil},
		"bad aggregate":     {events.Aggregate{Kind: "crew", ID: "a.b"}, []events.Event{testEvent(t, agg, "formed", 1)}},
		"other kind":        {agg, []events.Event{testEvent(t, other, "registered", 1)}},
		"same id twice":     {agg, []events.Event{dup, dup}},
		"larger than limit": {agg, []events.Event{big}},
		"too many":          {agg, testEvents(t, agg, 1, 1001)},
	} {
		if _, err := st.Append(context.Background(), tc.agg, events.ExpectAny(), tc.evs...); !errors.Is(err, events.ErrInvalid) {
			t.Errorf("%s: answered %v, want ErrInvalid", name, err)
		}
	}
	if got := len(readAll(t, st)); got != 0 {
		t.Fatalf("log holds %d events after invalid appends, want none", got)
	}
}
