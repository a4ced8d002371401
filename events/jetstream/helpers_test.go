package jetstream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
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
