package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// testEvent is a small valid event of agg for the store's tests, which care
// about the log, not the domain.
func testEvent(tb testing.TB, agg events.Aggregate, name string, version uint64) events.Event {
	tb.Helper()
	e, err := events.NewEvent(agg, name, 1, version, map[string]any{"n": version, "note": "store test"}, events.Meta{Actor: "tester"})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// appendShapes are the kinds of append a retry or a lost acknowledgement
// must be settled for: n events, with the expectation expect gives after
// the aggregate's creation at seq created.
var appendShapes = []struct {
	name   string
	n      int
	expect func(created uint64) events.Expect
}{
	{"one event, conditional", 1, events.ExpectSeq},
	{"several events, conditional", 3, events.ExpectSeq},
	{"one event, unconditional", 1, func(uint64) events.Expect { return events.ExpectAny() }},
	{"several events, unconditional", 3, func(uint64) events.Expect { return events.ExpectAny() }},
}

// createdJourney is a fresh store holding one journey, created at created.
func createdJourney(t *testing.T) (*jetstream.Store, events.Aggregate, events.Appended) {
	t.Helper()
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "journey", ID: events.NewID()}
	return st, agg, mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "mapped", 1))
}

// testEvents is n events of agg starting at version from.
func testEvents(tb testing.TB, agg events.Aggregate, from uint64, n int) []events.Event {
	tb.Helper()
	evs := make([]events.Event, n)
	for i := range evs {
		evs[i] = testEvent(tb, agg, fmt.Sprintf("step%d", i), from+uint64(i))
	}
	return evs
}

// readAll is every record in the store, oldest first.
func readAll(tb testing.TB, st events.Store) []events.Record {
	tb.Helper()
	var out []events.Record
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := st.Read(ctx, events.FromSeq(1), func(r events.Record) error {
		out = append(out, r)
		return nil
	}); err != nil {
		tb.Fatalf("read: %v", err)
	}
	return out
}

// ofAggregate keeps the records of agg.
func ofAggregate(recs []events.Record, agg events.Aggregate) []events.Record {
	var out []events.Record
	for _, r := range recs {
		if r.Event.Subject == agg.String() {
			out = append(out, r)
		}
	}
	return out
}

func mustAppend(tb testing.TB, st *jetstream.Store, agg events.Aggregate, expect events.Expect, evs ...events.Event) events.Appended {
	tb.Helper()
	res, err := st.Append(context.Background(), agg, expect, evs...)
	if err != nil {
		tb.Fatalf("append to %s: %v", agg, err)
	}
	return res
}

// race appends, from n goroutines released at once, two events each to agg
// with the same expectation, the i-th through stores[i%len(stores)], and
// answers how many won and every other error, which must be conflicts about
// agg that name the log's sequence.
func race(t *testing.T, n int, agg events.Aggregate, expect events.Expect, stores ...*jetstream.Store) int {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			evs := testEvents(t, agg, 2, 2)
			<-start
			_, errs[i] = stores[i%len(stores)].Append(context.Background(), agg, expect, evs...)
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		var ce *events.ConflictError
		switch {
		case err == nil:
			wins++
		case errors.As(err, &ce):
			if ce.Aggregate != agg || ce.Actual == 0 {
				t.Errorf("conflict names %s at seq %d", ce.Aggregate, ce.Actual)
			}
		default:
			t.Errorf("append failed with %v, want a conflict", err)
		}
	}
	return wins
}
